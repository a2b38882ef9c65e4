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
    "home.intro": {
        "pt": "Reconhecer o que há numa imagem é um problema clássico de classificação, e as **redes neurais convolucionais (CNNs)** são as campeãs nele há anos. Aqui você não só lê sobre elas: você mexe em cada peça, vê os números de verdade e treina a sua própria rede no CIFAR-10, no navegador.",
        "en": "Recognising what is in a picture is a classic classification problem, and **convolutional neural networks (CNNs)** have been the best at it for years. Here you don't just read about them: you touch every piece, see the real numbers and train your own network on CIFAR-10, in the browser.",
    },
    "home.history.title": {"pt": "De onde vieram", "en": "Where they came from"},
    "home.history.body": {
        "pt": "Em 1962, Hubel e Wiesel mostraram que certos neurônios do córtex visual disparam juntos diante de linhas e curvas. As CNNs copiam essa ideia: as primeiras camadas detectam bordas e curvas; as seguintes combinam esses traços em formas cada vez mais complexas.",
        "en": "In 1962, Hubel and Wiesel showed that some neurons in the visual cortex fire together when they see lines and curves. CNNs borrow that idea: the first layers detect edges and curves; the next ones combine those strokes into ever more complex shapes.",
    },
    "home.history.chart": {
        "pt": "Três marcos: camadas (barras) e parâmetros (texto)",
        "en": "Three milestones: layers (bars) and parameters (labels)",
    },
    "home.history.layers": {"pt": "Camadas", "en": "Layers"},
    "home.history.params.60k": {"pt": "~60 mil parâmetros", "en": "~60 thousand parameters"},
    "home.history.params.60M": {"pt": "60 milhões de parâmetros", "en": "60 million parameters"},
    "home.history.params.4M": {"pt": "4 milhões de parâmetros", "en": "4 million parameters"},
    "home.history.lenet": {"pt": "LeNet-5 (LeCun, 1998)", "en": "LeNet-5 (LeCun, 1998)"},
    "home.history.alexnet": {"pt": "AlexNet (2012)", "en": "AlexNet (2012)"},
    "home.history.googlenet": {"pt": "GoogLeNet (2014)", "en": "GoogLeNet (2014)"},
    "home.history.caption": {
        "pt": "A LeNet tinha 7 camadas e cerca de 60 mil parâmetros; a AlexNet, só 8 camadas (5 convoluções e 3 densas), mas 60 milhões de parâmetros; a GoogLeNet, 22 camadas e apenas 4 milhões: mais profundidade não significa mais parâmetros.",
        "en": "LeNet had 7 layers and about 60 thousand parameters; AlexNet only 8 layers (5 convolutions and 3 dense) but 60 million parameters; GoogLeNet 22 layers and just 4 million: deeper does not mean more parameters.",
    },
    "home.path.title": {"pt": "O caminho", "en": "The path"},
    "home.path.body": {
        "pt": "Primeiro os conceitos, cada um numa página que você pode mexer; depois a prática, na ordem de um projeto de verdade: olhar os dados, montar a rede, treinar, avaliar e usar.",
        "en": "First the concepts, each on a page you can play with; then the practice, in the order of a real project: look at the data, build the network, train it, evaluate it and use it.",
    },
    "home.path.inputs": {
        "pt": "uma imagem vira três matrizes de números",
        "en": "a picture becomes three matrices of numbers",
    },
    "home.path.convolution": {
        "pt": "filtros, stride, padding e mapas de características",
        "en": "filters, stride, padding and feature maps",
    },
    "home.path.activation": {
        "pt": "ReLU, sigmoide, tanh e softmax",
        "en": "ReLU, sigmoid, tanh and softmax",
    },
    "home.path.pooling": {
        "pt": "resumir e encolher com max pooling",
        "en": "summarise and shrink with max pooling",
    },
    "home.path.fully_connected": {
        "pt": "de volumes a uma probabilidade por classe",
        "en": "from volumes to one probability per class",
    },
    "home.path.data": {"pt": "as 60 mil imagens do CIFAR-10", "en": "the 60,000 CIFAR-10 images"},
    "home.path.build": {
        "pt": "monte a rede, a partir do modelo do post",
        "en": "design the network, starting from the blog's model",
    },
    "home.path.train": {
        "pt": "treine e veja as curvas ao vivo",
        "en": "train it and watch the curves live",
    },
    "home.path.evaluate": {
        "pt": "acurácia, matriz de confusão, erros",
        "en": "accuracy, confusion matrix, mistakes",
    },
    "home.path.classify": {
        "pt": "envie uma foto e veja onde a rede olhou",
        "en": "upload a photo and see where the network looked",
    },
    "home.sample.title": {"pt": "Uma amostra do CIFAR-10", "en": "A sample of CIFAR-10"},
    "home.sample.caption": {
        "pt": "{count} imagens de teste do CIFAR-10, uma por classe, com 32 x 32 pixels cada: é isso que a rede vai aprender a reconhecer.",
        "en": "{count} CIFAR-10 test images, one per class, 32 x 32 pixels each: this is what the network will learn to recognise.",
    },
    "home.sample.shuffle": {"pt": "Outras imagens", "en": "Other pictures"},
    "home.sample.alt": {
        "pt": "Foto de teste do CIFAR-10 da classe {name}, com 32 x 32 pixels, ampliada três vezes.",
        "en": "CIFAR-10 test photo of the class {name}, 32 x 32 pixels, enlarged three times.",
    },
    "home.blog.title": {
        "pt": 'Veio do post "Entendendo Redes Convolucionais"?',
        "en": 'Coming from the post "Entendendo Redes Convolucionais"?',
    },
    "home.blog.body": {
        "pt": 'Este app nasceu do post da comunidade AI Girls e segue a mesma ordem. Corrigimos alguns pontos pelo caminho, sempre mostrando a conta:\n\n- um filtro 5x5 com stride 2 sobre 32x32 dá **14x14**, não 28x28 (28x28 é com stride 1) — veja em *Convolução*;\n- "sem padding" **encolhe** a saída; é o padding `same` que mantém o tamanho — veja em *Convolução*;\n- `MaxPooling2D((1,1))` não faz nada: a saída é igual à entrada — veja em *Pooling*;\n- o código do post usa APIs que não existem mais (`keras.layers.convolutional`, `np_utils`, `SGD(lr=)`); o código que exportamos em *Montar a rede* roda no Keras 3.',
        "en": "This app grew from the AI Girls community's post and follows its order. We fix a few points along the way, always showing the arithmetic:\n\n- a 5x5 filter with stride 2 on 32x32 gives **14x14**, not 28x28 (28x28 needs stride 1) — see *Convolution*;\n- \"no padding\" **shrinks** the output; `same` padding is what keeps the size — see *Convolution*;\n- `MaxPooling2D((1,1))` does nothing: its output equals its input — see *Pooling*;\n- the post's code uses APIs that no longer exist (`keras.layers.convolutional`, `np_utils`, `SGD(lr=)`); the code exported by *Build* runs on Keras 3.",
    },
}
