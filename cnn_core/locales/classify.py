"""Strings of the Classify page: upload or snap a photo, see the prediction and why."""

STRINGS = {
    "classify.title": {
        "pt": "Classifique suas fotos",
        "en": "Classify your photos",
    },
    "classify.intro": {
        "pt": "Envie uma foto (ou tire uma agora) e veja o que a rede responde, o que ela enxerga em cada camada e para onde ela olhou para decidir.",
        "en": "Upload a photo (or take one now) and see what the network answers, what it sees at each layer and where it looked to decide.",
    },
    # --- model choice
    "classify.model": {"pt": "Modelo", "en": "Model"},
    "classify.model.help": {
        "pt": "Modelos já treinados que vêm com o app, ou os que você treinou nesta sessão na página Treinar.",
        "en": "Models that ship already trained with the app, or the ones you trained in this session on the Train page.",
    },
    "classify.model.pretrained": {
        "pt": "{name} (pré-treinado, {dataset}, acurácia {accuracy})",
        "en": "{name} (pretrained, {dataset}, accuracy {accuracy})",
    },
    "classify.model.run": {
        "pt": "Seu treino {run} ({dataset}, épocas: {epochs}, acurácia {accuracy})",
        "en": "Your run {run} ({dataset}, epochs: {epochs}, accuracy {accuracy})",
    },
    "classify.model.untrained": {
        "pt": "Modelo do blog, SEM treino (pesos aleatórios)",
        "en": "The blog's model, UNTRAINED (random weights)",
    },
    "classify.untrained_warning": {
        "pt": "Este modelo nunca foi treinado: os pesos são aleatórios, então as respostas são chute. Serve para ver a mecânica; para respostas de verdade, treine um modelo na página Treinar.",
        "en": "This model was never trained: its weights are random, so its answers are guesses. It shows the mechanics; for real answers, train a model on the Train page.",
    },
    "classify.loading_model": {
        "pt": "Carregando o modelo (só na primeira vez)…",
        "en": "Loading the model (first time only)…",
    },
    "classify.model_failed": {
        "pt": "Não foi possível carregar este modelo. Escolha outro.",
        "en": "This model could not be loaded. Pick another one.",
    },
    "classify.unknown_accuracy": {"pt": "?", "en": "?"},
    # --- inputs
    "classify.upload": {
        "pt": "Envie uma ou mais fotos",
        "en": "Upload one or more photos",
    },
    "classify.upload.help": {
        "pt": "JPEG, PNG, WebP, GIF ou BMP, até 10 MB cada. As fotos ficam só na memória desta sessão.",
        "en": "JPEG, PNG, WebP, GIF or BMP, up to 10 MB each. Photos stay only in this session's memory.",
    },
    "classify.camera_toggle": {"pt": "Usar a câmera", "en": "Use the camera"},
    "classify.camera": {"pt": "Tire uma foto", "en": "Take a photo"},
    "classify.camera_name": {"pt": "foto da câmera", "en": "camera photo"},
    "classify.sample_button": {
        "pt": "Usar uma foto de exemplo do CIFAR-10",
        "en": "Use a sample CIFAR-10 photo",
    },
    "classify.sample_button.mnist": {
        "pt": "Usar uma imagem de exemplo do conjunto de teste",
        "en": "Use a sample test-set image",
    },
    "classify.sample_name": {
        "pt": "exemplo nº {index} (classe verdadeira: {label})",
        "en": "sample #{index} (true class: {label})",
    },
    "classify.sample_unavailable": {
        "pt": "As fotos de exemplo não estão disponíveis nesta instalação.",
        "en": "Sample photos are not available in this installation.",
    },
    "classify.empty": {
        "pt": "Envie uma foto, tire uma com a câmera ou use uma foto de exemplo para começar.",
        "en": "Upload a photo, take one with the camera or use a sample photo to start.",
    },
    "classify.gallery": {"pt": "Suas fotos", "en": "Your photos"},
    "classify.gallery.caption": {
        "pt": "{count} fotos; abaixo, a análise da foto escolhida.",
        "en": "{count} photos; the chosen photo is analysed below.",
    },
    "classify.gallery.predicted": {
        "pt": "{index}. previsto: {label}",
        "en": "{index}. predicted: {label}",
    },
    "classify.placeholder": {"pt": "Escolha uma opção", "en": "Choose an option"},
    "classify.upload.what": {
        "pt": "Arraste fotos (JPEG, PNG, WebP, GIF ou BMP) para a caixa abaixo ou clique no botão dela para escolher no computador ou no celular.",
        "en": "Drag photos (JPEG, PNG, WebP, GIF or BMP) into the box below, or click its button to pick them from your computer or phone.",
    },
    "classify.pick": {"pt": "Analisar qual foto?", "en": "Analyse which photo?"},
    "classify.gallery_error": {"pt": "não deu para ler", "en": "could not be read"},
    "classify.file_error": {
        "pt": "{name}: {message}",
        "en": "{name}: {message}",
    },
    # --- what the model sees
    "classify.sees.title": {"pt": "O que o modelo vê", "en": "What the model sees"},
    "classify.sees.original": {
        "pt": "A foto: {width}×{height} pixels{rotated}.",
        "en": "The photo: {width}×{height} pixels{rotated}.",
    },
    "classify.sees.rotated": {
        "pt": ", girada conforme o EXIF da câmera",
        "en": ", turned upright using the camera's EXIF tag",
    },
    "classify.sees.animated": {
        "pt": "É uma animação: usamos só o primeiro quadro.",
        "en": "It is an animation: only the first frame is used.",
    },
    "classify.sees.small": {
        "pt": "Recorte central, reduzido para {width}×{height}: é tudo o que a rede recebe.",
        "en": "Centre crop, shrunk to {width}×{height}: this is all the network gets.",
    },
    "classify.sees.large": {
        "pt": "A mesma imagem de {width}×{height} ampliada sem suavizar: cada quadradinho é um pixel.",
        "en": "The same {width}×{height} image enlarged without smoothing: each square is one pixel.",
    },
    "classify.invert": {
        "pt": "Inverter as cores (os dígitos do MNIST são claros sobre fundo preto)",
        "en": "Invert colours (MNIST digits are light on a black background)",
    },
    # --- prediction
    "classify.prediction.title": {"pt": "A resposta", "en": "The answer"},
    "classify.top_k": {"pt": "Quantas classes mostrar", "en": "How many classes to show"},
    "classify.chart.title": {
        "pt": "Probabilidade de cada classe",
        "en": "Probability of each class",
    },
    "classify.chart.axis": {"pt": "probabilidade", "en": "probability"},
    "classify.chart.caption": {
        "pt": "Mais provável: {label} ({prob}); depois {second} ({second_prob}). As {count} probabilidades somam 100%.",
        "en": "Most likely: {label} ({prob}); then {second} ({second_prob}). All {count} probabilities add up to 100%.",
    },
    "classify.confident": {
        "pt": "O modelo acha que é **{label}** ({prob}).",
        "en": "The model thinks this is **{label}** ({prob}).",
    },
    "classify.uncertain": {
        "pt": "O modelo está em dúvida: o melhor palpite é **{label}**, com só {prob}, e a incerteza (entropia) está em {entropy} do máximo. Lembre que ele só conhece {count} coisas: {classes}. Se a foto não é nenhuma delas (uma selfie, por exemplo), ele ainda é obrigado a escolher uma.",
        "en": "The model is unsure: its best guess is **{label}** at only {prob}, and its uncertainty (entropy) is {entropy} of the maximum. Remember it only knows {count} things: {classes}. If the photo is none of them (a selfie, say), it still has to pick one.",
    },
    "classify.timing": {
        "pt": "Decodificar e reduzir: {prepare} ms · rede (probabilidades, mapas de todas as camadas e Grad-CAM numa chamada): {explain} ms.",
        "en": "Decode and shrink: {prepare} ms · network (probabilities, every layer's maps and Grad-CAM in one call): {explain} ms.",
    },
    # --- inside the network
    "classify.inside.title": {"pt": "Dentro da rede", "en": "Inside the network"},
    "classify.inside.intro": {
        "pt": "Cada camada transforma a imagem em vários mapas, um por filtro. Escolha uma camada para ver os mapas desta foto.",
        "en": "Every layer turns the image into several maps, one per filter. Pick a layer to see this photo's maps.",
    },
    "classify.layer": {"pt": "Camada", "en": "Layer"},
    "classify.layer.option": {
        "pt": "{name}: {height}×{width}×{channels}",
        "en": "{name}: {height}×{width}×{channels}",
    },
    "classify.maps.caption": {
        "pt": "{channels} mapas de {height}×{width} em {layer}; mesma escala para todos: roxo escuro = {low}, amarelo = {high}.",
        "en": "{channels} maps of {height}×{width} in {layer}; one scale for all: dark purple = {low}, yellow = {high}.",
    },
    "classify.maps.min": {"pt": "Mínimo", "en": "Minimum"},
    "classify.maps.max": {"pt": "Máximo", "en": "Maximum"},
    "classify.maps.zeros": {"pt": "Valores zerados", "en": "Values at zero"},
    "classify.maps.dead": {"pt": "Mapas todos zerados", "en": "All-zero maps"},
    "classify.maps.zeros_note": {
        "pt": "Depois da ReLU, tudo o que era negativo vira zero: {zeros} dos valores desta camada estão desligados para esta foto, e {dead} de {channels} mapas não acenderam em lugar nenhum.",
        "en": "After ReLU everything negative becomes zero: {zeros} of this layer's values are switched off for this photo, and {dead} of {channels} maps did not light up anywhere.",
    },
    "classify.maps.none": {
        "pt": "Este modelo não tem camadas com mapas (só camadas densas).",
        "en": "This model has no layers with maps (only dense layers).",
    },
    # --- Grad-CAM
    "classify.cam.title": {
        "pt": "Para onde o modelo olhou (Grad-CAM)",
        "en": "Where the model looked (Grad-CAM)",
    },
    "classify.cam.intro": {
        "pt": "O Grad-CAM mede quanto cada posição da última convolução ({layer}) empurra a pontuação de uma classe para cima. Regiões claras pesaram a favor.",
        "en": "Grad-CAM measures how much each position of the last convolution ({layer}) pushes a class's score up. Bright regions counted in favour.",
    },
    "classify.cam.class": {"pt": "Explicar a classe", "en": "Explain the class"},
    "classify.cam.overlay_caption": {
        "pt": "Mapa de calor de “{label}” sobre o recorte que a rede recebeu; quanto mais forte a cor, mais aquela região contou.",
        "en": 'Heat map for "{label}" over the crop the network received; the stronger the colour, the more that region counted.',
    },
    "classify.cam.chart": {"pt": "Grad-CAM de “{label}”", "en": "Grad-CAM for “{label}”"},
    "classify.cam.chart_caption": {
        "pt": "O mesmo mapa em {height}×{width}, de 0 (não ajudou) a 1 (ajudou mais); o ponto mais quente fica {where}.",
        "en": "The same map at {height}×{width}, from 0 (did not help) to 1 (helped most); the hottest spot is {where}.",
    },
    "classify.cam.empty": {
        "pt": "Nenhuma região da última convolução aumentou a pontuação de “{label}”: o mapa ficou todo zerado.",
        "en": 'No region of the last convolution raised the score of "{label}": the map is all zeros.',
    },
    "classify.cam.none": {
        "pt": "Este modelo não tem convolução, então não há Grad-CAM.",
        "en": "This model has no convolution, so there is no Grad-CAM.",
    },
    "classify.where.top_left": {"pt": "no canto superior esquerdo", "en": "in the top left"},
    "classify.where.top": {"pt": "no alto, ao centro", "en": "at the top centre"},
    "classify.where.top_right": {"pt": "no canto superior direito", "en": "in the top right"},
    "classify.where.left": {"pt": "à esquerda, no meio", "en": "on the middle left"},
    "classify.where.center": {"pt": "no centro", "en": "in the centre"},
    "classify.where.right": {"pt": "à direita, no meio", "en": "on the middle right"},
    "classify.where.bottom_left": {"pt": "no canto inferior esquerdo", "en": "in the bottom left"},
    "classify.where.bottom": {"pt": "embaixo, ao centro", "en": "at the bottom centre"},
    "classify.where.bottom_right": {"pt": "no canto inferior direito", "en": "in the bottom right"},
    "classify.privacy": {
        "pt": "Só aceitamos imagens: arquivos de modelo enviados por visitantes nunca são carregados.",
        "en": "Only pictures are accepted: model files sent by visitors are never loaded.",
    },
}
