"""Strings about numbers typed by the learner (see ``cnn_core.locales.parse_number``)."""

STRINGS = {
    "number.bad": {
        "pt": "Isso não é um número. Escreva, por exemplo, {example} (vírgula antes dos decimais).",
        "en": "That is not a number. Write, for example, {example} (a point before the decimals).",
    },
    "number.out_of_range": {
        "pt": "Escolha um número entre {low} e {high}.",
        "en": "Choose a number between {low} and {high}.",
    },
}
