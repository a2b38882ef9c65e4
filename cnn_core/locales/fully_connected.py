"""Strings of the Fully connected concept page (keys ``fc.``)."""

STRINGS = {
    "fc.intro": {
        "pt": (
            "Depois das convoluções e dos poolings, a rede tem um volume de mapas (altura x "
            "largura x canais). Para decidir a classe, ela **achata** esse volume em uma fila de "
            "números e passa por camadas **densas** (fully connected): cada neurônio olha para "
            "**todos** os números da entrada, multiplica cada um por um peso, soma tudo e soma um "
            "viés. A última camada densa tem um neurônio por classe."
        ),
        "en": (
            "After the convolutions and poolings, the network holds a volume of maps (height x "
            "width x channels). To decide the class it **flattens** that volume into a row of "
            "numbers and passes it through **dense** (fully connected) layers: each neuron looks "
            "at **every** input number, multiplies each by a weight, adds them all up and adds a "
            "bias. The last dense layer has one neuron per class."
        ),
    },
    # Flatten.
    "fc.flatten.header": {
        "pt": "Flatten: de volume para fila",
        "en": "Flatten: from volume to row",
    },
    "fc.flatten.body": {
        "pt": (
            "O Flatten não calcula nada e não tem parâmetros: só reorganiza os números, linha por "
            "linha e, dentro de cada pixel, canal por canal. Mude o volume e veja o comprimento."
        ),
        "en": (
            "Flatten computes nothing and has no parameters: it only rearranges the numbers, row "
            "by row and, within each pixel, channel by channel. Change the volume and see the "
            "length."
        ),
    },
    "fc.flatten.h": {"pt": "Altura", "en": "Height"},
    "fc.flatten.w": {"pt": "Largura", "en": "Width"},
    "fc.flatten.c": {"pt": "Canais", "en": "Channels"},
    "fc.flatten.length": {"pt": "Comprimento depois do Flatten", "en": "Length after Flatten"},
    "fc.flatten.result": {
        "pt": "{h} × {w} × {c} = **{n}** números em fila.",
        "en": "{h} × {w} × {c} = **{n}** numbers in a row.",
    },
    "fc.flatten.blog": {
        "pt": "No modelo do artigo, a última convolução entrega {shape} e o Flatten dá **{n}** números.",
        "en": "In the article's model, the last convolution outputs {shape} and Flatten gives **{n}** numbers.",
    },
    "fc.flatten.order": {
        "pt": "A ordem em um volume 2x2x2, como (linha, coluna, canal): {values}",
        "en": "The order on a 2x2x2 volume, as (row, column, channel): {values}",
    },
    # Dense as a weighted sum.
    "fc.dense.header": {
        "pt": "Uma camada densa é uma soma ponderada",
        "en": "A dense layer is a weighted sum",
    },
    "fc.dense.body": {
        "pt": (
            "Um exemplo pequeno: 4 entradas e 3 neurônios. Os pesos formam uma matriz 4x3 (uma "
            "coluna por neurônio) e cada neurônio tem um viés. Mexa nas entradas e acompanhe as "
            "contas."
        ),
        "en": (
            "A small example: 4 inputs and 3 neurons. The weights form a 4x3 matrix (one column "
            "per neuron) and each neuron has a bias. Move the inputs and follow the arithmetic."
        ),
    },
    "fc.dense.input": {"pt": "Entrada x{i}", "en": "Input x{i}"},
    "fc.dense.activation": {"pt": "Ativação", "en": "Activation"},
    "fc.act.linear": {"pt": "nenhuma (linear)", "en": "none (linear)"},
    "fc.act.relu": {"pt": "ReLU", "en": "ReLU"},
    "fc.act.sigmoid": {"pt": "Sigmoide", "en": "Sigmoid"},
    "fc.act.tanh": {"pt": "Tanh", "en": "Tanh"},
    "fc.dense.weights": {
        "pt": "Pesos W (entradas × neurônios)",
        "en": "Weights W (inputs × neurons)",
    },
    "fc.dense.neuron": {"pt": "neurônio {j}", "en": "neuron {j}"},
    "fc.dense.bias_row": {"pt": "viés b", "en": "bias b"},
    "fc.dense.weights_caption": {
        "pt": "Matriz de pesos 4x3 e vieses; o peso de x{i} no neurônio {j} vale {w}, o maior em módulo.",
        "en": "4x3 weight matrix and biases; the weight of x{i} in neuron {j} is {w}, the largest in size.",
    },
    "fc.dense.sums": {"pt": "As contas", "en": "The arithmetic"},
    "fc.dense.line": {
        "pt": "Neurônio {j}: {terms} + ({bias}) = {z} → {act} = **{a}**",
        "en": "Neuron {j}: {terms} + ({bias}) = {z} → {act} = **{a}**",
    },
    "fc.dense.outputs": {"pt": "Saída da camada", "en": "Layer output"},
    "fc.dense.caption": {
        "pt": "Saídas dos 3 neurônios com ativação {act}: {values}.",
        "en": "Outputs of the 3 neurons with {act} activation: {values}.",
    },
    # Parameters.
    "fc.params.header": {"pt": "Quantos parâmetros?", "en": "How many parameters?"},
    "fc.params.body": {
        "pt": "Cada neurônio tem um peso por entrada e um viés: parâmetros = entradas × neurônios + neurônios.",
        "en": "Each neuron has one weight per input and one bias: parameters = inputs × units + units.",
    },
    "fc.params.inputs": {"pt": "Entradas", "en": "Inputs"},
    "fc.params.units": {"pt": "Neurônios (units)", "en": "Neurons (units)"},
    "fc.params.formula": {
        "pt": "{inputs} × {units} + {units} = **{params}** parâmetros",
        "en": "{inputs} × {units} + {units} = **{params}** parameters",
    },
    "fc.params.blog": {
        "pt": (
            "No modelo do artigo, o `Dense(64)` depois do Flatten recebe {inputs} números e tem "
            "**{params}** parâmetros ({inputs} × 64 + 64); o `Dense(10)` final tem **{last}**. "
            "A rede inteira tem {total}, então essas duas camadas são {share}% dela."
        ),
        "en": (
            "In the article's model, the `Dense(64)` after Flatten receives {inputs} numbers and "
            "has **{params}** parameters ({inputs} × 64 + 64); the final `Dense(10)` has "
            "**{last}**. The whole network has {total}, so these two layers are {share}% of it."
        ),
    },
    # The output layer.
    "fc.out.header": {
        "pt": "A última camada: um neurônio por classe",
        "en": "The last layer: one neuron per class",
    },
    "fc.out.body": {
        "pt": (
            "No CIFAR-10 há 10 classes, então a última camada é `Dense(10)`: cada neurônio dá uma "
            "nota para uma classe. O softmax transforma as 10 notas em probabilidades que somam 1. "
            "Aqui os 64 números que chegam e os pesos são sorteados (uma rede sem treino); sorteie "
            "outro exemplo ou dê um empurrão em uma classe."
        ),
        "en": (
            "CIFAR-10 has 10 classes, so the last layer is `Dense(10)`: each neuron gives a score "
            "to one class. Softmax turns the 10 scores into probabilities that add up to 1. Here "
            "the 64 incoming numbers and the weights are drawn at random (an untrained network); "
            "draw another example or give one class a push."
        ),
    },
    "fc.out.seed": {"pt": "Exemplo sorteado nº", "en": "Random example no."},
    "fc.out.boost_class": {"pt": "Classe a favorecer", "en": "Class to favour"},
    "fc.out.boost": {"pt": "Empurrão no viés dessa classe", "en": "Push on that class's bias"},
    "fc.out.class": {"pt": "Classe", "en": "Class"},
    "fc.out.score": {"pt": "Nota (logit)", "en": "Score (logit)"},
    "fc.out.prob": {"pt": "Probabilidade", "en": "Probability"},
    "fc.out.scores_title": {"pt": "Notas da Dense(10)", "en": "Dense(10) scores"},
    "fc.out.probs_title": {"pt": "Depois do softmax", "en": "After softmax"},
    "fc.out.scores_caption": {
        "pt": "Notas de {low} a {high}: números quaisquer, positivos ou negativos, que não somam nada em especial.",
        "en": "Scores from {low} to {high}: any numbers, positive or negative, adding up to nothing in particular.",
    },
    "fc.out.caption": {
        "pt": 'A maior nota é de "{name}" ({score}), que fica com {prob}%; as 10 probabilidades somam {total}.',
        "en": 'The highest score is "{name}" ({score}), which gets {prob}%; the 10 probabilities add up to {total}.',
    },
    "fc.out.params": {
        "pt": "Esta camada: 64 × 10 + 10 = {params} parâmetros.",
        "en": "This layer: 64 × 10 + 10 = {params} parameters.",
    },
    # Self-check.
    "fc.quiz.header": {"pt": "Teste rápido", "en": "Quick check"},
    "fc.quiz.flatten": {
        "pt": "Qual o comprimento depois do Flatten de um volume {h}x{w}x{c}?",
        "en": "What is the length after Flatten of a {h}x{w}x{c} volume?",
    },
    "fc.quiz.flatten_why": {
        "pt": "{h} × {w} × {c} = {answer}.",
        "en": "{h} × {w} × {c} = {answer}.",
    },
    "fc.quiz.params": {
        "pt": "Quantos parâmetros tem uma Dense({units}) que recebe {inputs} números?",
        "en": "How many parameters does a Dense({units}) receiving {inputs} numbers have?",
    },
    "fc.quiz.params_why": {
        "pt": "{inputs} × {units} + {units} = {answer}.",
        "en": "{inputs} × {units} + {units} = {answer}.",
    },
}
