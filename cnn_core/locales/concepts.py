"""Strings shared by the concept pages (01-05): image picker, self-checks, the blog call-out."""

STRINGS = {
    "concepts.picker.source": {"pt": "Qual imagem usar?", "en": "Which picture?"},
    "concepts.picker.source.sample": {"pt": "Foto do CIFAR-10", "en": "CIFAR-10 photo"},
    "concepts.picker.source.pattern": {"pt": "Padrão de teste", "en": "Test pattern"},
    "concepts.picker.source.upload": {"pt": "Minha foto", "en": "My own photo"},
    "concepts.picker.class": {"pt": "Classe", "en": "Class"},
    "concepts.picker.index": {"pt": "Qual exemplo", "en": "Which example"},
    "concepts.picker.pattern": {"pt": "Padrão", "en": "Pattern"},
    "concepts.picker.upload": {
        "pt": "Envie uma foto (JPG, PNG, WEBP...)",
        "en": "Upload a photo (JPG, PNG, WEBP...)",
    },
    "concepts.picker.upload_wait": {
        "pt": "Enquanto nenhuma foto chega, usamos um padrão de teste.",
        "en": "Until a photo arrives, a test pattern stands in.",
    },
    "concepts.picker.sample_desc": {
        "pt": "Foto real do conjunto de teste do CIFAR-10: {name} nº {number}",
        "en": "A real photo from the CIFAR-10 test set: {name} #{number}",
    },
    "concepts.picker.upload_desc": {
        "pt": "Sua foto, recortada no centro e reduzida",
        "en": "Your photo, centre-cropped and shrunk",
    },
    "concepts.picker.pattern_desc": {
        "pt": "Padrão de teste gerado: {name}",
        "en": "Generated test pattern: {name}",
    },
    "concepts.pattern.shapes": {"pt": "quadrado e círculo", "en": "square and circle"},
    "concepts.pattern.checker": {"pt": "tabuleiro", "en": "checkerboard"},
    "concepts.pattern.gradient": {"pt": "degradê de cores", "en": "colour gradient"},
    "concepts.pattern.stripes": {"pt": "listras diagonais", "en": "diagonal stripes"},
    "concepts.quiz.title": {"pt": "Teste você mesmo", "en": "Check yourself"},
    "concepts.quiz.right": {"pt": "Isso mesmo!", "en": "Correct!"},
    "concepts.quiz.wrong": {
        "pt": "Ainda não. Tente de novo.",
        "en": "Not quite. Try again.",
    },
    "concepts.quiz.show_answer": {"pt": "Ver a resposta", "en": "Show the answer"},
    "concepts.blog.title": {"pt": "Se você leu o post do blog", "en": "If you read the blog post"},
}
