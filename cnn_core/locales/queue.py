"""Strings of the fair training queue and the run-time cap (issue 11): waiting, cancel, the cap."""

STRINGS = {
    # Refusals.
    "queue.error.generic": {
        "pt": "A fila de treino recusou este pedido.",
        "en": "The training queue refused this request.",
    },
    "queue.error.owner_busy": {
        "pt": "Você já tem um treino em andamento ou na fila. Espere ele terminar, pare-o ou saia da fila antes de começar outro.",
        "en": "You already have a run training or waiting in line. Wait for it to finish, stop it or leave the line before starting another.",
    },
    # Statuses (Snapshot.status and RunInfo.status).
    "queue.status.waiting": {"pt": "Na fila", "en": "Waiting"},
    "queue.status.cancelled": {"pt": "Cancelado", "en": "Cancelled"},
    # What the engine says (Snapshot.message_key).
    "queue.msg.waiting": {
        "pt": "Esperando uma vaga de treino livre neste servidor.",
        "en": "Waiting for a free training slot on this server.",
    },
    "queue.msg.cancelled": {
        "pt": "Você saiu da fila; nada foi treinado.",
        "en": "You left the line; nothing was trained.",
    },
    "queue.msg.capped": {
        "pt": "O limite deste servidor de {seconds} s por treino encerrou a rede na época {epoch}; os pesos aprendidos até ali foram guardados e testados.",
        "en": "This server's limit of {seconds} s per run ended training at epoch {epoch}; the weights learned so far were kept and tested.",
    },
    "queue.msg.test_subsample": {
        "pt": "O teste completo não caberia no limite de tempo: a nota de teste vem de {n} das {total} imagens de teste, sorteadas.",
        "en": "The full test would not fit in the time limit: the test score comes from {n} of the {total} test images, picked at random.",
    },
    # The Train page's waiting view.
    "queue.page.waiting": {
        "pt": "Na fila: você é o número {position}. Espera estimada: {wait}.",
        "en": "In line: you are number {position}. Estimated wait: {wait}.",
    },
    "queue.page.waiting_unknown": {
        "pt": "Na fila: você é o número {position}. Ainda não dá para estimar a espera.",
        "en": "In line: you are number {position}. The wait cannot be estimated yet.",
    },
    "queue.page.waiting_help": {
        "pt": "Este servidor treina {slots} rede(s) por vez, na ordem de chegada. Seu treino começa sozinho quando chegar a vez; pode fechar a aba ou mudar de página, o lugar continua seu.",
        "en": "This server trains {slots} network(s) at a time, first come first served. Your run starts by itself when its turn comes; you may close the tab or change pages and keep your place.",
    },
    "queue.page.cancel": {"pt": "Sair da fila", "en": "Leave the line"},
    "queue.page.cancel_help": {
        "pt": "Tira seu treino da fila; nada terá sido treinado.",
        "en": "Takes your run out of the line; nothing will have been trained.",
    },
    "queue.page.cap_note": {
        "pt": "Cada treino pode usar no máximo {limit} deste servidor (treino, validação e teste).",
        "en": "Each run may use at most {limit} of this server (training, validation and test).",
    },
}
