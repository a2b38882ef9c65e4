"""Strings of the Activation concept page (keys ``act.``)."""

STRINGS = {
    "act.intro": {
        "pt": (
            "Uma convolução só faz somas e multiplicações: empilhar várias delas ainda daria uma "
            "única operação linear. A **função de ativação**, aplicada a cada número da saída, "
            "quebra essa linearidade, e é isso que permite à rede aprender formas complicadas. "
            "Ela não muda o formato do mapa (30x30x128 continua 30x30x128) e não tem pesos para "
            "aprender."
        ),
        "en": (
            "A convolution only adds and multiplies: stacking many of them would still be one "
            "linear operation. The **activation function**, applied to every number of the output, "
            "breaks that linearity, and that is what lets the network learn complicated shapes. "
            "It does not change the shape of the map (30x30x128 stays 30x30x128) and has no "
            "weights to learn."
        ),
    },
    # The four functions side by side.
    "act.curves.header": {
        "pt": "As quatro funções lado a lado",
        "en": "The four functions side by side",
    },
    "act.curves.x": {"pt": "Valor de entrada x", "en": "Input value x"},
    "act.curves.x_help": {
        "pt": "O ponto marcado nas curvas e os valores na tabela abaixo.",
        "en": "The point marked on the curves and the values in the table below.",
    },
    "act.fn.relu": {"pt": "ReLU", "en": "ReLU"},
    "act.fn.sigmoid": {"pt": "Sigmoide", "en": "Sigmoid"},
    "act.fn.tanh": {"pt": "Tanh", "en": "Tanh"},
    "act.fn.softmax": {"pt": "Softmax de (x, 1, 0)", "en": "Softmax of (x, 1, 0)"},
    "act.fn.softmax_item": {"pt": "p({item})", "en": "p({item})"},
    "act.curves.col_function": {"pt": "Função", "en": "Function"},
    "act.curves.col_formula": {"pt": "Fórmula", "en": "Formula"},
    "act.curves.col_value": {"pt": "Valor em x = {x}", "en": "Value at x = {x}"},
    "act.curves.col_range": {"pt": "Saída possível", "en": "Possible output"},
    "act.curves.caption": {
        "pt": (
            "Em x = {x}: ReLU dá {relu}, sigmoide dá {sigmoid}, tanh dá {tanh}; o softmax de "
            "(x, 1, 0) dá {softmax}, e as três probabilidades somam 1."
        ),
        "en": (
            "At x = {x}: ReLU gives {relu}, sigmoid gives {sigmoid}, tanh gives {tanh}; softmax of "
            "(x, 1, 0) gives {softmax}, and the three probabilities add up to 1."
        ),
    },
    "act.range.relu": {"pt": "0 a infinito", "en": "0 to infinity"},
    "act.range.sigmoid": {"pt": "entre 0 e 1", "en": "between 0 and 1"},
    "act.range.tanh": {"pt": "entre −1 e 1", "en": "between −1 and 1"},
    "act.range.softmax": {
        "pt": "entre 0 e 1, somando 1 no vetor",
        "en": "between 0 and 1, adding up to 1 over the vector",
    },
    # ReLU on a real feature map.
    "act.map.header": {
        "pt": "ReLU em um mapa de características de verdade",
        "en": "ReLU on a real feature map",
    },
    "act.map.intro": {
        "pt": (
            "Pegamos uma imagem do CIFAR-10 em tons de cinza e passamos um filtro de borda "
            "(convolução 3x3, sem padding). O resultado tem valores positivos e negativos; a ReLU "
            "troca todo negativo por zero. O viés soma uma constante ao mapa antes da ReLU: "
            "mexa nele e veja quantos zeros aparecem."
        ),
        "en": (
            "We take a CIFAR-10 image in greyscale and run an edge filter over it (3x3 convolution, "
            "no padding). The result has positive and negative values; ReLU turns every negative "
            "into zero. The bias adds a constant to the map before ReLU: move it and watch how "
            "many zeros appear."
        ),
    },
    "act.map.kernel": {"pt": "Filtro de borda", "en": "Edge filter"},
    "act.map.bias": {"pt": "Viés (somado antes da ReLU)", "en": "Bias (added before ReLU)"},
    "act.map.before": {"pt": "Antes da ReLU", "en": "Before ReLU"},
    "act.map.after": {"pt": "Depois da ReLU", "en": "After ReLU"},
    "act.map.negatives": {"pt": "Negativos antes", "en": "Negatives before"},
    "act.map.zeros": {"pt": "Zeros depois da ReLU", "en": "Zeros after ReLU"},
    "act.map.count": {"pt": "{count} de {total}", "en": "{count} of {total}"},
    "act.map.percent": {"pt": "{pct}% do mapa", "en": "{pct}% of the map"},
    "act.map.shape": {"pt": "Formato", "en": "Shape"},
    "act.map.caption_before": {
        "pt": "Mapa {shape} do filtro “{kernel}”: valores de {low} a {high}, {negatives} deles negativos (em vermelho).",
        "en": '{shape} map of the "{kernel}" filter: values from {low} to {high}, {negatives} of them negative (in red).',
    },
    "act.map.caption_after": {
        "pt": "Depois da ReLU: mesmo formato {shape}, {zeros} zeros ({pct}%) e nenhum valor negativo.",
        "en": "After ReLU: same {shape} shape, {zeros} zeros ({pct}%) and no negative value.",
    },
    "act.kernel.sobel_x": {"pt": "bordas verticais (Sobel x)", "en": "vertical edges (Sobel x)"},
    "act.kernel.sobel_y": {
        "pt": "bordas horizontais (Sobel y)",
        "en": "horizontal edges (Sobel y)",
    },
    "act.kernel.laplacian": {"pt": "contornos (Laplaciano)", "en": "outlines (Laplacian)"},
    # Softmax with draggable scores.
    "act.softmax.header": {
        "pt": "Softmax: de notas a probabilidades",
        "en": "Softmax: from scores to probabilities",
    },
    "act.softmax.intro": {
        "pt": (
            "O softmax recebe um vetor de notas (logits), uma por classe, e devolve probabilidades: "
            "todas positivas e somando 1. A maior nota fica com a maior fatia. A temperatura "
            "divide as notas antes: baixa deixa a distribuição mais concentrada, alta deixa mais "
            "uniforme."
        ),
        "en": (
            "Softmax takes a vector of scores (logits), one per class, and returns probabilities: "
            "all positive and adding up to 1. The largest score gets the largest share. The "
            "temperature divides the scores first: low makes the distribution sharper, high makes "
            "it flatter."
        ),
    },
    "act.softmax.count": {"pt": "Quantidade de notas", "en": "Number of scores"},
    "act.softmax.temperature": {"pt": "Temperatura", "en": "Temperature"},
    "act.softmax.logit": {"pt": "Nota de “{name}”", "en": "Score of “{name}”"},
    "act.softmax.prob": {"pt": "Probabilidade", "en": "Probability"},
    "act.softmax.class": {"pt": "Classe", "en": "Class"},
    "act.softmax.caption": {
        "pt": (
            "Com temperatura {temperature}, “{name}” fica com {prob}%; as {count} "
            "probabilidades somam {total}."
        ),
        "en": (
            'At temperature {temperature}, "{name}" gets {prob}%; the {count} probabilities '
            "add up to {total}."
        ),
    },
    # Why ReLU.
    "act.why.header": {
        "pt": "Por que a ReLU é a escolha comum",
        "en": "Why ReLU is the usual choice",
    },
    "act.why.body": {
        "pt": (
            "- **Barata:** é só comparar com zero, sem exponenciais.\n"
            "- **Não satura para positivos:** sigmoide e tanh achatam em 1 para valores grandes, "
            "e o gradiente quase some; na ReLU a inclinação para x > 0 é sempre 1, então o "
            "aprendizado não trava em redes profundas.\n"
            "- **Esparsa:** como vimos acima, uma boa parte do mapa vira zero, e só os "
            "neurônios que “viram” algo passam sinal adiante."
        ),
        "en": (
            "- **Cheap:** just a comparison with zero, no exponentials.\n"
            "- **No saturation for positives:** sigmoid and tanh flatten out near 1 for large "
            "inputs and their gradient nearly vanishes; ReLU's slope for x > 0 is always 1, so "
            "learning does not stall in deep networks.\n"
            "- **Sparse:** as seen above, a good part of the map becomes zero, and only the "
            'neurons that "saw" something pass a signal on.'
        ),
    },
    "act.why.softmax": {
        "pt": (
            "O artigo cita sigmoide, tanh e softmax como alternativas à ReLU. Sigmoide e tanh "
            "até funcionam em camadas escondidas (só treinam mais devagar), mas o **softmax não "
            "é para camadas escondidas**: ele olha o vetor inteiro e o transforma em uma "
            "distribuição de probabilidade. Por isso ele aparece só na **última camada**, como "
            "no `Dense(10, activation='softmax')` do próprio modelo do artigo."
        ),
        "en": (
            "The article lists sigmoid, tanh and softmax as alternatives to ReLU. Sigmoid and "
            "tanh do work in hidden layers (they just train more slowly), but **softmax is not "
            "for hidden layers**: it looks at the whole vector and turns it into a probability "
            "distribution. That is why it only appears in the **last layer**, as in the "
            "article model's own `Dense(10, activation='softmax')`."
        ),
    },
    # Self-check.
    "act.quiz.header": {"pt": "Teste rápido", "en": "Quick check"},
    "act.quiz.zeros": {
        "pt": "Quantos zeros a ReLU produz no vetor {vector}?",
        "en": "How many zeros does ReLU produce on the vector {vector}?",
    },
    "act.quiz.shape": {
        "pt": "Um mapa {shape} (a segunda convolução do modelo do artigo) passa por uma ReLU. Quantos números tem a saída?",
        "en": "A {shape} map (the article model's second convolution) goes through a ReLU. How many numbers does the output have?",
    },
    "act.quiz.zeros_why": {
        "pt": "A ReLU troca por zero tudo o que é menor ou igual a zero: {vector} → {result}, ou seja, {answer} zeros.",
        "en": "ReLU turns everything at or below zero into zero: {vector} → {result}, that is {answer} zeros.",
    },
    "act.quiz.shape_why": {
        "pt": "A ativação age número a número e não muda o formato: {formula} = {answer}.",
        "en": "The activation works number by number and keeps the shape: {formula} = {answer}.",
    },
}
