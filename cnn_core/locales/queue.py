"""Strings of the fair training queue and the run-time cap (issue 11): waiting, cancel, the cap."""

STRINGS = {
    "queue.error.generic": {
        "pt": "A fila de treino recusou este pedido.",
        "en": "The training queue refused this request.",
    },
    "queue.error.owner_busy": {
        "pt": "Você já tem um treino em andamento ou na fila. Espere ele terminar, pare-o ou saia da fila antes de começar outro.",
        "en": "You already have a run training or waiting in line. Wait for it to finish, stop it or leave the line before starting another.",
    },
}
