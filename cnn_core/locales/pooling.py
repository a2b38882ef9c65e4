"""Strings of the Pooling concept page (keys ``pool.``)."""

STRINGS = {
    "pool.intro": {
        "pt": (
            "Uma camada de **pooling** resume o mapa anterior: uma janela (por exemplo 2x2) "
            "percorre o mapa e cada posição vira um único número. No **max pooling** fica o maior "
            "valor da janela; no **average pooling**, a média. O mapa encolhe, as camadas "
            "seguintes têm menos contas a fazer, e pequenos deslocamentos na imagem mudam menos o "
            "resultado. Cada canal é resumido separadamente, então a profundidade não muda."
        ),
        "en": (
            "A **pooling** layer summarises the previous map: a window (say 2x2) moves over the "
            "map and each position becomes a single number. **Max pooling** keeps the largest "
            "value in the window; **average pooling** keeps the mean. The map shrinks, the next "
            "layers have less arithmetic to do, and small shifts in the image change the result "
            "less. Each channel is summarised on its own, so the depth does not change."
        ),
    },
    "pool.controls": {"pt": "Escolha o pooling", "en": "Choose the pooling"},
    "pool.method": {"pt": "Tipo", "en": "Type"},
    "pool.method.max": {"pt": "Máximo (MaxPooling2D)", "en": "Max (MaxPooling2D)"},
    "pool.method.avg": {"pt": "Média (AveragePooling2D)", "en": "Average (AveragePooling2D)"},
    "pool.size": {"pt": "Tamanho da janela", "en": "Pool size"},
    "pool.stride": {"pt": "Passo (stride)", "en": "Stride"},
    "pool.stride_help": {
        "pt": "No Keras o passo padrão é igual ao tamanho da janela.",
        "en": "In Keras the default stride equals the pool size.",
    },
    # The 4x4 example.
    "pool.example.header": {"pt": "O exemplo 4x4 → 2x2", "en": "The 4x4 → 2x2 example"},
    "pool.example.intro": {
        "pt": (
            "Uma matriz 4x4 como a da animação do artigo. Com janela 2x2 e passo 2 ela vira 2x2. "
            "Mude a janela e o passo para ver outras saídas."
        ),
        "en": (
            "A 4x4 matrix like the one in the article's animation. With a 2x2 window and stride 2 "
            "it becomes 2x2. Change the window and the stride to see other outputs."
        ),
    },
    "pool.example.input": {"pt": "Entrada 4x4", "en": "4x4 input"},
    "pool.example.output": {"pt": "Saída {h}x{w}", "en": "{h}x{w} output"},
    "pool.example.caption_max": {
        "pt": "As células contornadas são as vencedoras: cada uma é o maior valor da sua janela {p}x{p}; a saída é {h}x{w}.",
        "en": "Outlined cells are the winners: each is the largest value of its {p}x{p} window; the output is {h}x{w}.",
    },
    "pool.example.caption_avg": {
        "pt": "Cada número da saída é a média de uma janela {p}x{p} da entrada; a saída é {h}x{w}.",
        "en": "Each output number is the mean of one {p}x{p} window of the input; the output is {h}x{w}.",
    },
    "pool.example.out_caption": {
        "pt": "Saída lida linha por linha: {values}.",
        "en": "Output read row by row: {values}.",
    },
    "pool.example.sums": {"pt": "As contas de cada célula", "en": "The arithmetic of each cell"},
    "pool.example.cell_max": {
        "pt": "Saída ({row}, {col}) = máx({values}) = **{result}**",
        "en": "Output ({row}, {col}) = max({values}) = **{result}**",
    },
    "pool.example.cell_avg": {
        "pt": "Saída ({row}, {col}) = ({values}) / {n} = **{result}**",
        "en": "Output ({row}, {col}) = ({values}) / {n} = **{result}**",
    },
    # Output size.
    "pool.size.header": {"pt": "Quanto o mapa encolhe", "en": "How much the map shrinks"},
    "pool.size.intro": {
        "pt": (
            "Sem padding, a saída tem ⌊(n − janela) / passo⌋ + 1 células em cada direção. O "
            "artigo dá o exemplo de um mapa 24x24 que vira 12x12 com janela 2x2."
        ),
        "en": (
            "Without padding, the output has ⌊(n − pool) / stride⌋ + 1 cells along each axis. The "
            "article's example is a 24x24 map that becomes 12x12 with a 2x2 window."
        ),
    },
    "pool.size.n": {"pt": "Tamanho do mapa de entrada (n)", "en": "Input map size (n)"},
    "pool.size.formula": {
        "pt": "⌊({n} − {p}) / {s}⌋ + 1 = **{out}**, então {n}x{n} vira **{out}x{out}**.",
        "en": "⌊({n} − {p}) / {s}⌋ + 1 = **{out}**, so {n}x{n} becomes **{out}x{out}**.",
    },
    "pool.size.too_small": {
        "pt": "A janela {p}x{p} é maior que o mapa {n}x{n}: não há saída.",
        "en": "The {p}x{p} window is larger than the {n}x{n} map: there is no output.",
    },
    # A real feature map.
    "pool.map.header": {
        "pt": "Em um mapa de características de verdade",
        "en": "On a real feature map",
    },
    "pool.map.intro": {
        "pt": (
            "Uma imagem do CIFAR-10 em tons de cinza passa por um filtro de borda e por uma ReLU "
            "(como nas páginas anteriores); depois aplicamos o pooling escolhido acima."
        ),
        "en": (
            "A CIFAR-10 image in greyscale goes through an edge filter and a ReLU (as on the "
            "previous pages); then the pooling chosen above is applied."
        ),
    },
    "pool.map.kernel": {"pt": "Filtro de borda", "en": "Edge filter"},
    "pool.map.before": {"pt": "Mapa {h}x{w}", "en": "{h}x{w} map"},
    "pool.map.caption_in": {
        "pt": "Mapa {h}x{w} depois do filtro e da ReLU; o maior valor é {high}.",
        "en": "{h}x{w} map after the filter and ReLU; its largest value is {high}.",
    },
    "pool.map.after": {"pt": "Depois do pooling: {h}x{w}", "en": "After pooling: {h}x{w}"},
    "pool.map.caption": {
        "pt": "{method} com janela {p}x{p} e passo {s}: o mapa {h}x{w} ({before} números) vira {oh}x{ow} ({after} números).",
        "en": "{method} with a {p}x{p} window and stride {s}: the {h}x{w} map ({before} numbers) becomes {oh}x{ow} ({after} numbers).",
    },
    # 1x1 pooling.
    "pool.one.header": {"pt": "Um pooling 1x1 não faz nada", "en": "A 1x1 pool does nothing"},
    "pool.one.body": {
        "pt": (
            "**Uma correção:** o modelo do artigo usa `MaxPooling2D(pool_size=(1, 1))` três "
            "vezes. Uma janela 1x1 contém um único número, e o máximo de um número é ele mesmo; "
            "com passo 1 nenhuma posição é pulada. A saída é idêntica à entrada: essas três "
            "camadas não resumem nada e podem ser removidas sem mudar o resultado da rede."
        ),
        "en": (
            "**A correction:** the article's model uses `MaxPooling2D(pool_size=(1, 1))` "
            "three times. A 1x1 window holds a single number, and the maximum of one number is "
            "that number; with stride 1 no position is skipped. The output is identical to the "
            "input: those three layers summarise nothing and can be removed without changing what "
            "the network computes."
        ),
    },
    "pool.one.check": {
        "pt": "Calculado agora no mapa acima ({h}x{w}): MaxPooling2D(1x1) devolve exatamente a entrada?",
        "en": "Computed now on the map above ({h}x{w}): does MaxPooling2D(1x1) return exactly its input?",
    },
    "pool.one.yes": {
        "pt": "Sim: `np.array_equal(saída, entrada)` é `True` ({shape} → {shape}).",
        "en": "Yes: `np.array_equal(output, input)` is `True` ({shape} → {shape}).",
    },
    "pool.one.no": {
        "pt": "Não: a saída difere da entrada ({shape_in} → {shape_out}).",
        "en": "No: the output differs from the input ({shape_in} → {shape_out}).",
    },
    "pool.one.blog": {
        "pt": "No resumo do modelo do artigo, as camadas {names} têm saída igual à entrada: {shapes}.",
        "en": "In the summary of the article's model, the layers {names} output the same shape they receive: {shapes}.",
    },
    # No parameters.
    "pool.params.header": {"pt": "Nada para aprender", "en": "Nothing to learn"},
    "pool.params.body": {
        "pt": (
            "O pooling é uma regra fixa (máximo ou média): não tem pesos nem viés, e o treino "
            "não muda nada nele. Ele diminui o número de parâmetros das camadas **seguintes**, "
            "porque elas recebem um mapa menor."
        ),
        "en": (
            "Pooling is a fixed rule (max or mean): it has no weights and no bias, and training "
            "changes nothing in it. It reduces the parameters of the **following** layers, "
            "because they receive a smaller map."
        ),
    },
    "pool.params.blog": {
        "pt": "No modelo do artigo, as {count} camadas de pooling somam **{params}** parâmetros, de um total de {total}.",
        "en": "In the article's model, the {count} pooling layers add up to **{params}** parameters, out of {total} in total.",
    },
    # Self-check.
    "pool.quiz.header": {"pt": "Teste rápido", "en": "Quick check"},
    "pool.quiz.size": {
        "pt": "Um mapa {n}x{n}x{c} passa por MaxPooling2D com janela {p}x{p} e passo {s}. Qual o lado da saída?",
        "en": "A {n}x{n}x{c} map goes through MaxPooling2D with a {p}x{p} window and stride {s}. What is the side of the output?",
    },
    "pool.quiz.size_why": {
        "pt": "⌊({n} − {p}) / {s}⌋ + 1 = {answer}; a profundidade continua {c}.",
        "en": "⌊({n} − {p}) / {s}⌋ + 1 = {answer}; the depth stays {c}.",
    },
    "pool.quiz.params": {
        "pt": "Quantos parâmetros tem uma camada MaxPooling2D(2x2) depois de 128 filtros?",
        "en": "How many parameters does a MaxPooling2D(2x2) layer after 128 filters have?",
    },
    "pool.quiz.params_why": {
        "pt": "Pooling não tem pesos: {answer}.",
        "en": "Pooling has no weights: {answer}.",
    },
}
