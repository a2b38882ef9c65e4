"""Strings of the Ray backend (training on a cluster): waiting for a place, a lost worker."""

STRINGS = {
    "cluster.msg.waiting": {
        "pt": "Esperando um lugar livre no cluster (posição {position} na fila)…",
        "en": "Waiting for a free place on the cluster (number {position} in line)…",
    },
    "cluster.msg.cancelled": {
        "pt": "Treino cancelado antes de começar.",
        "en": "Training cancelled before it started.",
    },
    "cluster.msg.worker_lost_early": {
        "pt": "A máquina do cluster que treinava esta rede parou de responder antes de completar a "
        "primeira época: não havia pesos para guardar.",
        "en": "The cluster machine training this network stopped answering before its first "
        "complete epoch: there were no weights to keep.",
    },
    "cluster.msg.worker_lost": {
        "pt": "A máquina do cluster que treinava esta rede parou de responder. Os pesos da última "
        "época completa ({epoch}) foram guardados: você pode continuar o treino a partir deles.",
        "en": "The cluster machine training this network stopped answering. The weights of the "
        "last complete epoch ({epoch}) are kept: you can continue training from them.",
    },
    "cluster.error.connect": {
        "pt": "Não foi possível falar com o cluster Ray em {address}. Confira se ele está ligado e "
        "se este servidor tem o token de acesso (RAY_AUTH_TOKEN_PATH).",
        "en": "Could not reach the Ray cluster at {address}. Check that it is running and that "
        "this server has its access token (RAY_AUTH_TOKEN_PATH).",
    },
}
