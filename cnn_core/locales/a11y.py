"""Text alternatives (``alt``) of the pictures that teach, for screen readers; pt-BR and en.

Each names what the picture shows in words: the class of a photo, and for a mistake the true and
the predicted class. Shared by several pages, so they live in their own area (``alt.``, ``a11y.``).
"""

STRINGS = {
    # Streamlit's own placeholder of an empty select box is English ("Choose an option").
    "a11y.choose": {"pt": "Escolha uma opção", "en": "Choose an option"},
    "alt.picker": {
        "pt": "Imagem de entrada dos mapas desta seção: {what}.",
        "en": "Input picture of this section's maps: {what}.",
    },
    "alt.eval.right": {
        "pt": "Imagem de teste da classe {true}; a rede acertou, com {prob} de confiança.",
        "en": "Test image of the class {true}; the network got it right, {prob} confident.",
    },
    "alt.eval.wrong": {
        "pt": "Imagem de teste da classe {true}; a rede respondeu {pred}, com {prob} de confiança.",
        "en": "Test image of the class {true}; the network answered {pred}, {prob} confident.",
    },
    "alt.classify.original": {
        "pt": "A foto analisada, inteira, antes de ser recortada e reduzida.",
        "en": "The photo being analysed, whole, before it is cropped and shrunk.",
    },
    "alt.classify.small": {
        "pt": "A foto recortada e reduzida a {width} x {height} pixels: é isto que a rede recebe.",
        "en": "The photo cropped and shrunk to {width} x {height} pixels: what the network gets.",
    },
    "alt.classify.large": {
        "pt": "A mesma imagem de {width} x {height} pixels, ampliada para mostrar cada pixel.",
        "en": "The same {width} x {height}-pixel image, enlarged to show every pixel.",
    },
    "alt.classify.gallery": {
        "pt": "Foto {index}: a rede diz {label}.",
        "en": "Photo {index}: the network says {label}.",
    },
    "alt.classify.maps": {
        "pt": "Os {channels} mapas de características da camada {layer}, lado a lado; "
        "claro quer dizer valor alto, escuro quer dizer valor baixo.",
        "en": "The {channels} feature maps of the layer {layer}, side by side; "
        "light means a high value, dark a low one.",
    },
    "alt.classify.cam": {
        "pt": "A foto com o mapa de calor do Grad-CAM por cima: as regiões quentes são as que "
        "mais pesaram para a classe {label}.",
        "en": "The photo with the Grad-CAM heat map over it: the hot regions are the ones that "
        "weighed most for the class {label}.",
    },
}
