"""Strings of the Inputs concept page (how a picture becomes numbers)."""

STRINGS = {
    "inputs.intro": {
        "pt": "Para uma rede neural, uma foto é só uma grade de números. Escolha uma imagem e veja "
        "exatamente quais números a rede recebe.",
        "en": "To a neural network a photo is just a grid of numbers. Pick a picture and see "
        "exactly which numbers the network receives.",
    },
    "inputs.pick.header": {"pt": "1. Escolha uma imagem", "en": "1. Pick a picture"},
    "inputs.channels.header": {
        "pt": "2. Três matrizes: vermelho, verde e azul",
        "en": "2. Three matrices: red, green and blue",
    },
    "inputs.channels.text": {
        "pt": "Cada pixel guarda três intensidades, de 0 (apagado) a 255 (aceso ao máximo): uma "
        "de vermelho (R), uma de verde (G) e uma de azul (B). Separando-as, a imagem vira três "
        "matrizes do mesmo tamanho, chamadas **canais**.",
        "en": "Every pixel stores three intensities, from 0 (off) to 255 (fully on): one for red "
        "(R), one for green (G) and one for blue (B). Pulled apart, the picture becomes three "
        "matrices of the same size, called **channels**.",
    },
    "inputs.picture": {"pt": "A imagem", "en": "The picture"},
    "inputs.channel.R": {"pt": "Canal R (vermelho)", "en": "R channel (red)"},
    "inputs.channel.G": {"pt": "Canal G (verde)", "en": "G channel (green)"},
    "inputs.channel.B": {"pt": "Canal B (azul)", "en": "B channel (blue)"},
    "inputs.channels.caption": {
        "pt": "{desc}. Média de cada canal: R {r}, G {g}, B {b} (de 0 a 255). Os quadros marcam "
        "o trecho ampliado abaixo.",
        "en": "{desc}. Average of each channel: R {r}, G {g}, B {b} (out of 255). The boxes mark the "
        "patch zoomed in below.",
    },
    "inputs.zoom.header": {
        "pt": "3. Chegue perto: os números de verdade",
        "en": "3. Zoom in: the actual numbers",
    },
    "inputs.zoom.row": {"pt": "Linha do canto superior", "en": "Top row"},
    "inputs.zoom.col": {"pt": "Coluna do canto esquerdo", "en": "Left column"},
    "inputs.zoom.size": {"pt": "Tamanho do trecho", "en": "Patch size"},
    "inputs.zoom.scaled": {
        "pt": "Mostrar como a rede vê (dividido por 255, entre 0 e 1)",
        "en": "Show what the network sees (divided by 255, between 0 and 1)",
    },
    "inputs.zoom.patch_title": {"pt": "{channel}", "en": "{channel}"},
    "inputs.zoom.caption": {
        "pt": "Linhas {r0} a {r1} e colunas {c0} a {c1}. O pixel do canto superior esquerdo vale "
        "R={r}, G={g}, B={b}.",
        "en": "Rows {r0} to {r1} and columns {c0} to {c1}. The top-left pixel is R={r}, G={g}, "
        "B={b}.",
    },
    "inputs.tensor.header": {
        "pt": "4. Altura × largura × canais: o tensor de entrada",
        "en": "4. Height × width × channels: the input tensor",
    },
    "inputs.tensor.text": {
        "pt": "Empilhando os três canais, a imagem vira um bloco de números com forma "
        "**{h} × {w} × {c}** (altura, largura, canais), o formato que o Keras espera "
        "(`channels_last`). Um lote de imagens ganha mais uma dimensão na frente: "
        "(lote, {h}, {w}, {c}).",
        "en": "Stacking the three channels turns the picture into a block of numbers shaped "
        "**{h} × {w} × {c}** (height, width, channels), the layout Keras expects "
        "(`channels_last`). A batch of pictures adds one more dimension in front: "
        "(batch, {h}, {w}, {c}).",
    },
    "inputs.tensor.shape": {"pt": "Forma", "en": "Shape"},
    "inputs.tensor.count": {"pt": "Quantidade de números", "en": "How many numbers"},
    "inputs.tensor.bytes": {
        "pt": "Memória (uint8 / float32)",
        "en": "Memory (uint8 / float32)",
    },
    "inputs.tensor.bytes_value": {"pt": "{u8} B / {f32} B", "en": "{u8} B / {f32} B"},
    "inputs.tensor.pixel": {
        "pt": "Um pixel é uma fatia ao longo dos canais: `x[{row}, {col}, :]` = [{r}, {g}, {b}].",
        "en": "One pixel is a slice along the channels: `x[{row}, {col}, :]` = [{r}, {g}, {b}].",
    },
    "inputs.tensor.gray": {
        "pt": "Imagens em tons de cinza (como MNIST, 28 × 28) têm um canal só: 28 × 28 × 1 = "
        "784 números.",
        "en": "Grayscale pictures (like MNIST, 28 × 28) have a single channel: 28 × 28 × 1 = "
        "784 numbers.",
    },
    "inputs.scale.header": {"pt": "5. Por que dividir por 255?", "en": "5. Why divide by 255?"},
    "inputs.scale.text": {
        "pt": "Os pesos de uma rede começam pequenos, perto de zero, e o treino com gradiente "
        "funciona melhor quando as entradas também são pequenas. Por isso o modelo deste app "
        "começa com uma camada `Rescaling(1/255)`: cada número é dividido por 255 e passa a ficar "
        "entre 0 e 1. A imagem continua a mesma; só a escala muda.",
        "en": "A network's weights start small, near zero, and gradient training works best "
        "when the inputs are small too. That is why the models in this app start with a "
        "`Rescaling(1/255)` layer: every number is divided by 255 and ends up between 0 and 1. "
        "The picture stays the same; only the scale changes.",
    },
    "inputs.scale.before": {"pt": "Antes: mínimo / máximo", "en": "Before: min / max"},
    "inputs.scale.after": {"pt": "Depois: mínimo / máximo", "en": "After: min / max"},
    "inputs.scale.range": {"pt": "{lo} / {hi}", "en": "{lo} / {hi}"},
    "inputs.scale.example": {
        "pt": "Exemplo deste trecho: {v} ÷ 255 = {s}.",
        "en": "Example from this patch: {v} ÷ 255 = {s}.",
    },
    "inputs.quiz.count": {
        "pt": "Quantos números há em uma imagem RGB de 32 × 32 pixels?",
        "en": "How many numbers are there in a 32 × 32 RGB picture?",
    },
    "inputs.quiz.count_explain": {
        "pt": "32 × 32 pixels × 3 canais = {n} números (a imagem acima tem exatamente {m}).",
        "en": "32 × 32 pixels × 3 channels = {n} numbers (the picture above has exactly {m}).",
    },
    "inputs.quiz.scale": {
        "pt": "Um pixel tem valor {v} no canal vermelho. Quanto ele vale depois de dividir por 255? "
        "(duas casas decimais)",
        "en": "A pixel's red value is {v}. What is it after dividing by 255? (two decimals)",
    },
    "inputs.quiz.scale_explain": {
        "pt": "{v} ÷ 255 = {s}.",
        "en": "{v} ÷ 255 = {s}.",
    },
}
