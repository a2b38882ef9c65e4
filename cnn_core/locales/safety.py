"""Strings of the app's safety net: what a visitor sees when a page fails unexpectedly."""

STRINGS = {
    "safety.error.unexpected": {
        "pt": "Algo deu errado ao montar esta página. Nada do que você fez foi perdido: recarregue a página ou volte a ela daqui a pouco. Os detalhes ficaram registrados no servidor.",
        "en": "Something went wrong while drawing this page. Nothing you did was lost: reload the page or come back to it in a moment. The details were logged on the server.",
    },
}
