"""Comments of the exported Keras program (``cnn_core.model.to_keras_code`` with settings)."""

STRINGS = {
    "code.title": {
        "pt": "Programa completo gerado pelo CNN Studio: dados, modelo, treino e teste.",
        "en": "A complete program written by CNN Studio: data, model, training and test.",
    },
    "code.run": {
        "pt": "Rode com: python este_arquivo.py (Keras 3; baixa os dados na primeira vez).",
        "en": "Run it with: python this_file.py (Keras 3; downloads the data the first time).",
    },
    "code.settings": {"pt": "Escolhas do treino", "en": "Training choices"},
    "code.data": {
        "pt": "1. Os dados: {dataset}, do próprio Keras.",
        "en": "1. The data: {dataset}, from Keras itself.",
    },
    "code.channel": {
        "pt": "As imagens vêm sem o eixo de canais: (N, 28, 28) -> (N, 28, 28, 1).",
        "en": "The images come without a channel axis: (N, 28, 28) -> (N, 28, 28, 1).",
    },
    "code.split": {
        "pt": "A divisão do post: as primeiras {count} imagens de treino ficam para validação.",
        "en": "The blog's split: the first {count} training images are kept for validation.",
    },
    "code.no_val": {
        "pt": "Sem validação: todas as imagens de treino são usadas para treinar.",
        "en": "No validation: every training image is used for training.",
    },
    "code.train_size": {
        "pt": "Treina só com as primeiras {count} imagens restantes.",
        "en": "Train on the first {count} remaining images only.",
    },
    "code.one_hot": {
        "pt": "Rótulos como vetores one-hot (entropia cruzada categórica, como no post).",
        "en": "Labels as one-hot vectors (categorical cross-entropy, as in the blog).",
    },
    "code.seed": {
        "pt": "A mesma semente dá os mesmos pesos iniciais.",
        "en": "The same seed gives the same starting weights.",
    },
    "code.model": {"pt": "2. O modelo.", "en": "2. The model."},
    "code.augment": {
        "pt": "Aumento de dados (só no treino; sem pesos): espelha e desloca as imagens.",
        "en": "Data augmentation (training only; no weights): flips and shifts the images.",
    },
    "code.learn": {
        "pt": "3. Como ele aprende: otimizador, taxa de aprendizado e perda.",
        "en": "3. How it learns: optimizer, learning rate and loss.",
    },
    "code.schedule.cosine": {
        "pt": "A taxa cai de {lr} a 0 ao longo de meio cosseno.",
        "en": "The rate falls from {lr} to 0 along half a cosine.",
    },
    "code.schedule.onecycle": {
        "pt": "Um ciclo: sobe de {low} a {lr} no primeiro quarto, depois desce a 0 (no app a descida é em linha reta; aqui, em cosseno).",
        "en": "One cycle: rises from {low} to {lr} over the first quarter, then falls to 0 (the app falls in a straight line; here, along a cosine).",
    },
    "code.smoothing": {
        "pt": "Suavização de rótulos: {share} de cada alvo é espalhado pelas outras classes.",
        "en": "Label smoothing: {share} of each target is spread over the other classes.",
    },
    "code.fit": {
        "pt": "4. O treino: {epochs} épocas em lotes de {batch} imagens.",
        "en": "4. Training: {epochs} epochs in batches of {batch} images.",
    },
    "code.budget": {
        "pt": "No app, o treino parava pelo relógio ({minutes} min); aqui conta-se em épocas: ajuste EPOCHS.",
        "en": "In the app, training stopped by the clock ({minutes} min); here it counts epochs: adjust EPOCHS.",
    },
    "code.app_only": {
        "pt": "Recursos só do app, não reproduzidos aqui: {what}.",
        "en": "App-only features not reproduced here: {what}.",
    },
    "code.app_only.whiten": {
        "pt": "primeira camada calculada dos dados (whitening)",
        "en": "first layer computed from the data (whitening)",
    },
    "code.app_only.low_res": {
        "pt": "começo em imagens de meio tamanho",
        "en": "a start on half-size images",
    },
    "code.test": {
        "pt": "5. O teste, como no post: imagens que o modelo nunca viu.",
        "en": "5. The test, as in the blog: images the model has never seen.",
    },
}
