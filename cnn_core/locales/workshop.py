"""Strings of workshop mode: lessons, the student's path, the class board and the challenge."""

STRINGS = {
    # -- errors (cnn_core.workshop.WorkshopError.key) ------------------------------------------
    "workshop.error.unknown_lesson": {
        "pt": "Não encontramos essa aula. Confira o código com quem está ensinando (são 7 letras e números).",
        "en": "We could not find that lesson. Check the code with your instructor (7 letters and digits).",
    },
    "workshop.error.lesson_expired": {
        "pt": "Esta aula já terminou: o link expirou. Peça um novo link a quem está ensinando.",
        "en": "This lesson has ended: its link has expired. Ask your instructor for a new link.",
    },
    "workshop.error.wrong_key": {
        "pt": "Este link de instrutor não vale para esta aula. Use o link de instrutor completo que apareceu ao salvar a aula.",
        "en": "This instructor link is not valid for this lesson. Use the full instructor link shown when the lesson was saved.",
    },
    "workshop.error.nickname_empty": {
        "pt": "Escolha um apelido (pode ser qualquer coisa, não precisa ser o seu nome).",
        "en": "Pick a nickname (anything you like; it need not be your name).",
    },
    "workshop.error.nickname_too_long": {
        "pt": "Esse apelido é longo demais: use no máximo {max} caracteres.",
        "en": "That nickname is too long: use at most {max} characters.",
    },
    "workshop.error.nickname_bad_chars": {
        "pt": "O apelido não pode ter quebras de linha nem caracteres de controle.",
        "en": "The nickname cannot contain line breaks or control characters.",
    },
    "workshop.error.nickname_taken": {
        "pt": "Alguém nesta aula já usa esse apelido. Escolha outro.",
        "en": "Someone in this lesson already uses that nickname. Pick another one.",
    },
    "workshop.error.no_identity": {
        "pt": "Não conseguimos identificar esta sessão. Recarregue a página e tente de novo.",
        "en": "We could not identify this session. Reload the page and try again.",
    },
    "workshop.error.title_empty": {
        "pt": "Dê um título à aula.",
        "en": "Give the lesson a title.",
    },
    "workshop.error.no_steps": {
        "pt": "Escolha pelo menos uma página para o roteiro.",
        "en": "Pick at least one page for the path.",
    },
    "workshop.error.too_many_steps": {
        "pt": "O roteiro pode ter no máximo {max} passos.",
        "en": "The path can have at most {max} steps.",
    },
    "workshop.error.bad_page": {
        "pt": "Página desconhecida no roteiro: {page}.",
        "en": "Unknown page in the path: {page}.",
    },
    "workshop.error.bad_language": {
        "pt": "Idioma desconhecido.",
        "en": "Unknown language.",
    },
    "workshop.error.bad_control": {
        "pt": "Controle desconhecido: {name}.",
        "en": "Unknown control: {name}.",
    },
    "workshop.error.bad_budget": {
        "pt": "O tempo de cada treino deve ficar entre {low} e {high} segundos.",
        "en": "The time of each run must be between {low} and {high} seconds.",
    },
    "workshop.error.bad_expiry": {
        "pt": "A data de expiração deve ser no futuro e em no máximo {days} dias.",
        "en": "The expiry date must be in the future and at most {days} days away.",
    },
    "workshop.error.design_invalid": {
        "pt": "A rede inicial da aula não pode ser usada:",
        "en": "The lesson's starting network cannot be used:",
    },
    "workshop.error.bad_challenge": {
        "pt": "As regras do desafio estão fora dos limites (pesos de 1 a 20 milhões, tempo de 1 s a 3 h).",
        "en": "The challenge's rules are out of range (1 to 20 million weights, 1 s to 3 h of training).",
    },
    "workshop.error.bad_lesson": {
        "pt": "Os dados desta aula estão corrompidos.",
        "en": "This lesson's data is corrupted.",
    },
    # -- challenge rules (cnn_core.workshop.Violation.key) --------------------------------------
    "workshop.rule.weights": {
        "pt": "a rede tem {weights} pesos; o desafio permite no máximo {max}",
        "en": "the network has {weights} weights; the challenge allows at most {max}",
    },
    "workshop.rule.seconds": {
        "pt": "o treino pode durar {seconds}; o desafio permite no máximo {max}",
        "en": "the run may train for {seconds}; the challenge allows at most {max}",
    },
    "workshop.rule.no_budget": {
        "pt": "o treino não tem limite de tempo; o desafio pede no máximo {max}",
        "en": "the run has no time limit; the challenge asks for at most {max}",
    },
    "workshop.rule.dataset": {
        "pt": "o treino usa {dataset}; o desafio é em {required}",
        "en": "the run uses {dataset}; the challenge is on {required}",
    },
    "workshop.rule.design": {
        "pt": "a rede tem erros, então não dá para contar os pesos",
        "en": "the network has errors, so its weights cannot be counted",
    },
}
