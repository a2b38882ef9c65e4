"""Strings of the app shell: names, navigation, the frame and the home page."""

STRINGS = {
    "app.name": {"pt": "CNN Studio", "en": "CNN Studio"},
    "app.page_title": {"pt": "{page} · CNN Studio", "en": "{page} · CNN Studio"},
    "frame.language": {"pt": "Idioma", "en": "Language"},
    "nav.home": {"pt": "Início", "en": "Home"},
    "nav.section.concepts": {"pt": "Conceitos", "en": "Concepts"},
    "nav.section.practice": {"pt": "Na prática", "en": "Hands-on"},
    "nav.inputs": {"pt": "1. Entradas", "en": "1. Inputs"},
    "nav.convolution": {"pt": "2. Convolução", "en": "2. Convolution"},
    "nav.activation": {"pt": "3. Ativação", "en": "3. Activation"},
    "nav.pooling": {"pt": "4. Pooling", "en": "4. Pooling"},
    "nav.fully_connected": {"pt": "5. Camada densa", "en": "5. Fully connected"},
    "nav.data": {"pt": "6. Dados", "en": "6. Data"},
    "nav.build": {"pt": "7. Montar a rede", "en": "7. Build"},
    "nav.train": {"pt": "8. Treinar", "en": "8. Train"},
    "nav.evaluate": {"pt": "9. Avaliar", "en": "9. Evaluate"},
    "nav.classify": {"pt": "10. Classificar fotos", "en": "10. Classify photos"},
    "stub.coming": {
        "pt": "Esta página ainda está sendo construída.",
        "en": "This page is still being built.",
    },
    "home.title": {
        "pt": "CNN Studio: entenda redes convolucionais mexendo em uma",
        "en": "CNN Studio: understand convolutional networks by touching one",
    },
    "home.intro": {"pt": "Em construção.", "en": "Under construction."},
}
