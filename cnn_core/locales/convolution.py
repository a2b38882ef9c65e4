"""Strings of the Convolution concept page."""

STRINGS = {
    "conv.intro": {
        "pt": "Uma convolução passa uma pequena grade de pesos, o **kernel** (ou filtro), por cima "
        "da imagem. Em cada posição ela multiplica os números que estão embaixo pelos pesos e "
        "soma tudo: o resultado é uma célula do **mapa de características** (feature map). "
        "Escolha um kernel e acompanhe a conta célula por célula.",
        "en": "A convolution slides a small grid of weights, the **kernel** (or filter), over the "
        "picture. At each position it multiplies the numbers underneath by the weights and adds "
        "everything up: the result is one cell of the **feature map**. Pick a kernel and follow "
        "the arithmetic cell by cell.",
    },
    "conv.setup.header": {"pt": "1. Imagem e kernel", "en": "1. Picture and kernel"},
    "conv.setup.side": {
        "pt": "Tamanho da imagem (lado, em pixels)",
        "en": "Picture size (side, in pixels)",
    },
    "conv.setup.side_help": {
        "pt": "A imagem vira tons de cinza (um canal só) e é reduzida para que os números caibam "
        "na tela. Com 16 pixels ou menos, cada número aparece escrito na sua célula.",
        "en": "The picture is turned gray (a single channel) and shrunk so the numbers fit on "
        "screen. At 16 pixels or fewer every number is written in its cell.",
    },
    "conv.kernel.kind": {"pt": "Kernel", "en": "Kernel"},
    "conv.kernel.identity": {"pt": "Identidade", "en": "Identity"},
    "conv.kernel.identity.help": {
        "pt": "Só o centro vale 1: a saída copia a entrada. Bom ponto de partida para editar.",
        "en": "Only the centre is 1: the output copies the input. A good start for editing.",
    },
    "conv.kernel.sobel_x": {"pt": "Borda vertical (Sobel x)", "en": "Vertical edge (Sobel x)"},
    "conv.kernel.sobel_x.help": {
        "pt": "Subtrai a esquerda da direita: responde forte onde o brilho muda da esquerda para a "
        "direita e dá zero em áreas lisas.",
        "en": "Subtracts the left from the right: strong where brightness changes from left to "
        "right, zero on flat areas.",
    },
    "conv.kernel.sobel_y": {
        "pt": "Borda horizontal (Sobel y)",
        "en": "Horizontal edge (Sobel y)",
    },
    "conv.kernel.sobel_y.help": {
        "pt": "Subtrai a parte de cima da de baixo: acha bordas horizontais.",
        "en": "Subtracts the top from the bottom: finds horizontal edges.",
    },
    "conv.kernel.laplacian": {"pt": "Contorno (Laplaciano)", "en": "Outline (Laplacian)"},
    "conv.kernel.laplacian.help": {
        "pt": "O centro menos a vizinhança: destaca bordas em qualquer direção; os pesos somam 0.",
        "en": "The centre minus its neighbours: highlights edges in every direction; the weights "
        "add up to 0.",
    },
    "conv.kernel.blur": {"pt": "Desfoque (média)", "en": "Blur (average)"},
    "conv.kernel.blur.help": {
        "pt": "Todos os pesos iguais, somando 1: cada célula vira a média da vizinhança.",
        "en": "All weights equal and adding up to 1: each cell becomes the average of its "
        "neighbourhood.",
    },
    "conv.kernel.sharpen": {"pt": "Nitidez", "en": "Sharpen"},
    "conv.kernel.sharpen.help": {
        "pt": "Reforça o centro e subtrai os vizinhos em cruz: realça os detalhes.",
        "en": "Boosts the centre and subtracts the neighbours in a cross: makes details stand out.",
    },
    "conv.kernel.curve": {"pt": "Detector de curva", "en": "Curve detector"},
    "conv.kernel.curve.help": {
        "pt": "Como o exemplo do post: zeros em volta e 30 ao longo de uma curva. A soma é alta "
        "onde a imagem tem um traço claro com esse formato.",
        "en": "Like the blog's example: zeros around and 30 along a curve. The sum is high where "
        "the picture has a bright stroke of that shape.",
    },
    "conv.kernel.random": {"pt": "Aleatório", "en": "Random"},
    "conv.kernel.random.help": {
        "pt": "Pesos sorteados, como os de uma camada recém-criada antes do treino.",
        "en": "Random weights, like those of a freshly created layer before training.",
    },
    "conv.kernel.learned": {
        "pt": "Aprendido pelo modelo treinado",
        "en": "Learned by the trained model",
    },
    "conv.kernel.learned.help": {
        "pt": "Um filtro da primeira camada do modelo do post depois do treino. Como a imagem "
        "aqui é cinza (R = G = B), somamos os pesos dos três canais do filtro.",
        "en": "A first-layer filter of the blog's model after training. The picture here is gray "
        "(R = G = B), so the filter's weights of the three channels are added up.",
    },
    "conv.kernel.which": {"pt": "Qual filtro", "en": "Which filter"},
    "conv.kernel.size": {"pt": "Tamanho do kernel", "en": "Kernel size"},
    "conv.kernel.reroll": {"pt": "Sortear de novo", "en": "Draw again"},
    "conv.kernel.edit": {
        "pt": "Os pesos do kernel (clique em uma célula para mudar):",
        "en": "The kernel's weights (click a cell to change it):",
    },
    "conv.stride": {"pt": "Passo (stride)", "en": "Stride"},
    "conv.padding": {"pt": "Preenchimento (padding)", "en": "Padding"},
    "conv.padding.valid": {"pt": "'valid' (nenhum)", "en": "'valid' (none)"},
    "conv.padding.same": {"pt": "'same' (zeros na borda)", "en": "'same' (zeros around)"},
    "conv.bias": {"pt": "Viés (bias)", "en": "Bias"},
    "conv.size.header": {
        "pt": "2. Qual o tamanho da saída?",
        "en": "2. How big is the output?",
    },
    "conv.size.text": {
        "pt": "Com entrada de lado n, kernel k, passo s e p₁ + p₂ zeros acrescentados nas duas "
        "bordas, a saída tem ⌊(n − k + p₁ + p₂) / s⌋ + 1 células de lado (⌊ ⌋ arredonda para "
        "baixo; com borda igual dos dois lados, p₁ + p₂ = 2p). Com os seus valores:",
        "en": "With an input of side n, kernel k, stride s and p₁ + p₂ zeros added on the two "
        "borders, the output has ⌊(n − k + p₁ + p₂) / s⌋ + 1 cells per side (⌊ ⌋ rounds down; "
        "with equal borders, p₁ + p₂ = 2p). With your values:",
    },
    "conv.size.in": {"pt": "Entrada", "en": "Input"},
    "conv.size.out": {"pt": "Saída (feature map)", "en": "Output (feature map)"},
    "conv.size.pad": {"pt": "Zeros antes / depois", "en": "Zeros before / after"},
    "conv.size.pad_value": {"pt": "{a} / {b}", "en": "{a} / {b}"},
    "conv.size.note.valid": {
        "pt": "'valid' não acrescenta nada: o kernel só cabe inteiro dentro da imagem, então a "
        "saída encolhe k − 1 células (com passo 1).",
        "en": "'valid' adds nothing: the kernel only fits entirely inside the picture, so the "
        "output shrinks by k − 1 cells (at stride 1).",
    },
    "conv.size.note.same": {
        "pt": "'same' faz o Keras acrescentar zeros suficientes para a saída ter ⌈n / s⌉ células: "
        "com passo 1 o tamanho se mantém. Se sobrar um zero ímpar, ele vai para baixo/direita.",
        "en": "'same' makes Keras add enough zeros for the output to have ⌈n / s⌉ cells: at "
        "stride 1 the size is kept. An odd extra zero goes to the bottom/right.",
    },
    "conv.step.header": {
        "pt": "3. Passo a passo: o kernel deslizando",
        "en": "3. Step by step: the kernel sliding",
    },
    "conv.step.prev": {"pt": "◀ Anterior", "en": "◀ Previous"},
    "conv.step.next": {"pt": "Próxima ▶", "en": "Next ▶"},
    "conv.step.cell": {
        "pt": "Célula da saída (em ordem de leitura)",
        "en": "Output cell (in reading order)",
    },
    "conv.step.input": {"pt": "Entrada", "en": "Input"},
    "conv.step.output": {"pt": "Feature map", "en": "Feature map"},
    "conv.step.input_caption": {
        "pt": "{desc}, em cinza. O quadro laranja é o campo receptivo, começando na linha {r0}, "
        "coluna {c0}; linhas e colunas de índice negativo (e as além da borda) são o "
        "preenchimento com zeros.",
        "en": "{desc}, in gray. The orange box is the receptive field, starting at row {r0}, "
        "column {c0}; rows and columns with negative indices (and those past the edge) are the "
        "zero padding.",
    },
    "conv.step.output_caption": {
        "pt": "Feature map: {h} × {w} células, de {lo} a {hi} (azul positivo, vermelho negativo). "
        "O quadro marca a célula calculada abaixo.",
        "en": "Feature map: {h} × {w} cells, from {lo} to {hi} (blue positive, red negative). The "
        "box marks the cell worked out below.",
    },
    "conv.step.explain": {
        "pt": "**Célula ({i}, {j}):** cada número do campo receptivo é multiplicado pelo peso na "
        "mesma posição do kernel, e os produtos são somados.",
        "en": "**Cell ({i}, {j}):** each number in the receptive field is multiplied by the "
        "weight in the same position of the kernel, and the products are added up.",
    },
    "conv.step.window": {"pt": "Campo receptivo", "en": "Receptive field"},
    "conv.step.kernel": {"pt": "Kernel", "en": "Kernel"},
    "conv.step.products": {"pt": "Produtos", "en": "Products"},
    "conv.step.terms_caption": {
        "pt": "{n} multiplicações; {pad} delas caem no preenchimento e valem 0.",
        "en": "{n} multiplications; {pad} of them fall on the padding and count as 0.",
    },
    "conv.step.sum": {
        "pt": "{expr} + viés {bias} = **{total}**",
        "en": "{expr} + bias {bias} = **{total}**",
    },
    "conv.step.value": {"pt": "Feature map [{i}, {j}]", "en": "Feature map [{i}, {j}]"},
    "conv.depth.header": {
        "pt": "4. Imagens coloridas e vários filtros",
        "en": "4. Colour pictures and several filters",
    },
    "conv.depth.text": {
        "pt": "Numa imagem RGB, cada filtro tem uma fatia de pesos para **cada canal de entrada** "
        "(um 3 × 3 vira 3 × 3 × 3). As três somas são somadas entre si, mais um viés por filtro, "
        "e dão **um** mapa. Com vários filtros, a saída ganha um mapa por filtro: a "
        "**profundidade da saída é igual ao número de filtros**. (Na prática isso é uma "
        "correlação: o kernel não é espelhado, como em toda biblioteca de deep learning.)",
        "en": "In an RGB picture each filter has one slice of weights **per input channel** "
        "(a 3 × 3 becomes 3 × 3 × 3). The three sums are added together, plus one bias per "
        "filter, giving **one** map. With several filters the output gets one map per filter: "
        "**the output depth equals the number of filters**. (Strictly this is a correlation: "
        "the kernel is not flipped, as in every deep-learning library.)",
    },
    "conv.depth.filters": {"pt": "Número de filtros", "en": "Number of filters"},
    "conv.depth.learned_note": {
        "pt": "Filtros reais da primeira camada do modelo treinado (viés 0 aqui), aplicados à "
        "imagem colorida com o mesmo passo e padding escolhidos acima.",
        "en": "Real first-layer filters of the trained model (bias 0 here), applied to the colour "
        "picture with the stride and padding chosen above.",
    },
    "conv.depth.random_note": {
        "pt": "Filtros 3 × 3 × 3 aleatórios (ainda não há modelo treinado), aplicados à imagem "
        "colorida com o mesmo passo e padding escolhidos acima.",
        "en": "Random 3 × 3 × 3 filters (no trained model shipped yet), applied to the colour "
        "picture with the stride and padding chosen above.",
    },
    "conv.depth.shape": {"pt": "Forma da saída", "en": "Output shape"},
    "conv.depth.params": {"pt": "Parâmetros da camada", "en": "Layer parameters"},
    "conv.depth.params_formula": {
        "pt": "Parâmetros = {k} × {k} × 3 canais × {f} filtros + {f} vieses = **{n}**.",
        "en": "Parameters = {k} × {k} × 3 channels × {f} filters + {f} biases = **{n}**.",
    },
    "conv.depth.map": {"pt": "Filtro {n}", "en": "Filter {n}"},
    "conv.depth.maps_caption": {
        "pt": "{n} feature maps de {h} × {w}, um por filtro, empilhados formam a saída.",
        "en": "{n} feature maps of {h} × {w}, one per filter, stacked to form the output.",
    },
    "conv.depth.slices": {
        "pt": "Os pesos do filtro 1, uma fatia por canal de entrada:",
        "en": "The weights of filter 1, one slice per input channel:",
    },
    "conv.depth.slices_caption": {
        "pt": "Três fatias {k} × {k}: cada uma percorre o seu canal, e as três somas se juntam.",
        "en": "Three {k} × {k} slices: each one slides over its own channel, and the three sums "
        "are added.",
    },
    "conv.depth.cell": {
        "pt": "Filtro 1, célula ({i}, {j}): canal R {r} + canal G {g} + canal B {b} + viés {bias} "
        "= **{total}**.",
        "en": "Filter 1, cell ({i}, {j}): R channel {r} + G channel {g} + B channel {b} + bias "
        "{bias} = **{total}**.",
    },
    "conv.blog.body": {
        "pt": "- O post diz que uma imagem 32 × 32 × 3 com filtro 5 × 5 e **stride 2** gera um "
        "mapa de 28 × 28. A conta não fecha: 28 × 28 é o que sai com **passo 1** "
        "(⌊(32 − 5) / 1⌋ + 1 = {meant}); com passo 2 a saída tem ⌊(32 − 5) / 2⌋ + 1 = **{wrong}** "
        "células de lado.\n"
        "- O post também diz que sem padding a saída fica do tamanho original. É o contrário: "
        "sem padding ('valid') a saída **encolhe** (32 → {meant} com um 5 × 5); é o padding "
        "'same', com zeros na borda, que mantém o tamanho com passo 1 (32 → {kept}).",
        "en": "- The post says a 32 × 32 × 3 picture with a 5 × 5 filter and **stride 2** gives a "
        "28 × 28 map. The numbers don't add up: 28 × 28 is what comes out at **stride 1** "
        "(⌊(32 − 5) / 1⌋ + 1 = {meant}); at stride 2 the output has ⌊(32 − 5) / 2⌋ + 1 = "
        "**{wrong}** cells per side.\n"
        "- The post also says that with no padding the output keeps its original size. It is "
        "the other way round: with no padding ('valid') the output **shrinks** (32 → {meant} "
        "with a 5 × 5); it is 'same' padding, zeros around the border, that keeps the size at "
        "stride 1 (32 → {kept}).",
    },
    "conv.quiz.size": {
        "pt": "Entrada 28 × 28, kernel 3 × 3, passo 2, padding 'valid'. Qual o lado da saída?",
        "en": "A 28 × 28 input, 3 × 3 kernel, stride 2, 'valid' padding. What is the output side?",
    },
    "conv.quiz.size_explain": {
        "pt": "⌊(28 − 3 + 0) / 2⌋ + 1 = ⌊12,5⌋ + 1 = {n}.",
        "en": "⌊(28 − 3 + 0) / 2⌋ + 1 = ⌊12.5⌋ + 1 = {n}.",
    },
    "conv.quiz.params": {
        "pt": "Quantos parâmetros tem uma Conv2D 3 × 3 com 3 canais de entrada e 16 filtros?",
        "en": "How many parameters does a 3 × 3 Conv2D with 3 input channels and 16 filters have?",
    },
    "conv.quiz.params_explain": {
        "pt": "3 × 3 × 3 × 16 pesos + 16 vieses = {n}.",
        "en": "3 × 3 × 3 × 16 weights + 16 biases = {n}.",
    },
    "conv.quiz.same": {
        "pt": "Com padding 'same' e passo 1, o que acontece com o tamanho?",
        "en": "With 'same' padding and stride 1, what happens to the size?",
    },
    "conv.quiz.same.a": {"pt": "Fica igual", "en": "It stays the same"},
    "conv.quiz.same.b": {"pt": "Encolhe k − 1", "en": "It shrinks by k − 1"},
    "conv.quiz.same.c": {"pt": "Cai pela metade", "en": "It is halved"},
    "conv.quiz.same_explain": {
        "pt": "Os zeros na borda compensam o que o kernel perderia: 32 × 32 com 3 × 3 continua "
        "{n} × {n}.",
        "en": "The zeros around the border make up for what the kernel would lose: 32 × 32 with "
        "3 × 3 stays {n} × {n}.",
    },
}
