"""Strings of the layer-stack spec: problems and their fixes, layer types, presets."""

STRINGS = {
    # ---- Severity and headers ---------------------------------------------------------------
    "spec.severity.error": {"pt": "Erro", "en": "Error"},
    "spec.severity.warning": {"pt": "Aviso", "en": "Warning"},
    # ---- The spec itself (reading JSON or a dict) --------------------------------------------
    "spec.problem.bad_json": {
        "pt": "O texto não é um JSON válido: algo está errado na linha {line}, coluna {column}.",
        "en": "The text is not valid JSON: something is wrong at line {line}, column {column}.",
    },
    "spec.fix.bad_json": {
        "pt": "Confira vírgulas, aspas duplas e chaves, ou exporte o modelo de novo pela página Montar a rede.",
        "en": "Check the commas, double quotes and braces, or export the model again from the Build page.",
    },
    "spec.problem.not_object": {
        "pt": "Um modelo deve ser um objeto JSON (com chaves {{ }}), mas veio um {found}.",
        "en": "A model must be a JSON object (with braces {{ }}), but this is a {found}.",
    },
    "spec.fix.not_object": {
        "pt": 'Use o formato {{"name": ..., "input_shape": [32, 32, 3], "num_classes": 10, "layers": [...]}}.',
        "en": 'Use the format {{"name": ..., "input_shape": [32, 32, 3], "num_classes": 10, "layers": [...]}}.',
    },
    "spec.problem.unknown_spec_key": {
        "pt": "O modelo tem um campo desconhecido: '{key}'.",
        "en": "The model has an unknown field: '{key}'.",
    },
    "spec.fix.unknown_spec_key": {
        "pt": "Os campos aceitos são: {allowed}.",
        "en": "The accepted fields are: {allowed}.",
    },
    "spec.problem.layers_not_list": {
        "pt": "A lista de camadas ('layers') está faltando ou não é uma lista (veio: {found}).",
        "en": "The list of layers ('layers') is missing or is not a list (found: {found}).",
    },
    "spec.fix.layers_not_list": {
        "pt": 'Escreva as camadas entre colchetes, por exemplo "layers": [{{"type": "Flatten"}}].',
        "en": 'Write the layers between square brackets, e.g. "layers": [{{"type": "Flatten"}}].',
    },
    "spec.problem.layer_not_object": {
        "pt": "A camada número {position} não é um objeto JSON.",
        "en": "Layer number {position} is not a JSON object.",
    },
    "spec.fix.layer_not_object": {
        "pt": 'Cada camada é um objeto como {{"type": "Dense", "units": 10}}.',
        "en": 'Each layer is an object such as {{"type": "Dense", "units": 10}}.',
    },
    "spec.problem.missing_type": {
        "pt": "A camada número {position} não diz de que tipo é (falta 'type').",
        "en": "Layer number {position} does not say what kind it is ('type' is missing).",
    },
    "spec.fix.missing_type": {
        "pt": 'Acrescente "type" com o nome da classe do Keras, por exemplo "Conv2D" ou "Dense".',
        "en": 'Add "type" with the Keras class name, for example "Conv2D" or "Dense".',
    },
    "spec.problem.bad_input_shape": {
        "pt": "O formato de entrada {value} não serve: são precisos três inteiros positivos (altura, largura, canais).",
        "en": "The input shape {value} does not work: it needs three positive whole numbers (height, width, channels).",
    },
    "spec.fix.bad_input_shape": {
        "pt": "Use [32, 32, 3] para CIFAR-10 ou [28, 28, 1] para MNIST.",
        "en": "Use [32, 32, 3] for CIFAR-10 or [28, 28, 1] for MNIST.",
    },
    "spec.problem.bad_num_classes": {
        "pt": "O número de classes {value} não serve: precisa ser um inteiro de 2 a {most}.",
        "en": "The number of classes {value} does not work: it must be a whole number from 2 to {most}.",
    },
    "spec.fix.bad_num_classes": {
        "pt": "CIFAR-10, MNIST e Fashion-MNIST têm 10 classes.",
        "en": "CIFAR-10, MNIST and Fashion-MNIST have 10 classes.",
    },
    "spec.problem.bad_name": {
        "pt": "O nome do modelo precisa ser um texto (veio {value}).",
        "en": "The model's name must be text (found {value}).",
    },
    "spec.fix.bad_name": {
        "pt": 'Escreva o nome entre aspas, por exemplo "meu_modelo".',
        "en": 'Write the name in quotes, for example "my_model".',
    },
    "spec.problem.unknown_preset": {
        "pt": "Não existe um modelo pronto chamado '{name}'.",
        "en": "There is no ready-made model called '{name}'.",
    },
    "spec.fix.unknown_preset": {
        "pt": "Os modelos prontos são: {known}.",
        "en": "The ready-made models are: {known}.",
    },
    # ---- One layer's arguments ---------------------------------------------------------------
    "spec.problem.unknown_type": {
        "pt": "{layer}: o tipo de camada '{type}' não existe aqui.",
        "en": "{layer}: the layer type '{type}' is not available here.",
    },
    "spec.fix.unknown_type": {
        "pt": "Escolha um destes (com maiúsculas e minúsculas iguais): {known}.",
        "en": "Pick one of these (same upper and lower case): {known}.",
    },
    "spec.problem.unknown_arg": {
        "pt": "{layer}: a camada {type} não tem a opção '{arg}'.",
        "en": "{layer}: a {type} layer has no option '{arg}'.",
    },
    "spec.fix.unknown_arg": {
        "pt": "Apague '{arg}'. As opções de {type} são: {allowed}.",
        "en": "Remove '{arg}'. The options of {type} are: {allowed}.",
    },
    "spec.problem.missing_arg": {
        "pt": "{layer}: a camada {type} precisa da opção '{arg}', que está faltando.",
        "en": "{layer}: a {type} layer needs the option '{arg}', which is missing.",
    },
    "spec.fix.missing_arg": {
        "pt": "Dê um valor para '{arg}'.",
        "en": "Give '{arg}' a value.",
    },
    "spec.problem.not_count": {
        "pt": "{layer}: '{arg}' vale {value}, mas precisa ser um número inteiro a partir de 1 (uma quantidade de filtros ou neurônios).",
        "en": "{layer}: '{arg}' is {value}, but it must be a whole number of at least 1 (a count of filters or neurons).",
    },
    "spec.fix.not_count": {
        "pt": "Use um inteiro positivo, por exemplo 32.",
        "en": "Use a positive whole number, for example 32.",
    },
    "spec.problem.not_size": {
        "pt": "{layer}: '{arg}' vale {value}, mas um tamanho de janela ou passo precisa ser um inteiro a partir de 1, ou um par deles.",
        "en": "{layer}: '{arg}' is {value}, but a window size or step must be a whole number of at least 1, or a pair of them.",
    },
    "spec.fix.not_size": {
        "pt": "Use, por exemplo, 3 ou [3, 3].",
        "en": "Use, for example, 3 or [3, 3].",
    },
    "spec.problem.bad_padding": {
        "pt": "{layer}: o preenchimento (padding) {value} não existe.",
        "en": "{layer}: there is no padding called {value}.",
    },
    "spec.fix.bad_padding": {
        "pt": "Use 'valid' (sem preenchimento: a imagem encolhe) ou 'same' (com bordas de zeros: o tamanho se mantém).",
        "en": "Use 'valid' (no padding: the image shrinks) or 'same' (zero borders: the size is kept).",
    },
    "spec.problem.bad_activation": {
        "pt": "{layer}: a ativação {value} não é conhecida.",
        "en": "{layer}: the activation {value} is not known.",
    },
    "spec.fix.bad_activation": {
        "pt": "Use, por exemplo, 'relu' nas camadas do meio e 'softmax' na última.",
        "en": "Use, for example, 'relu' in the middle layers and 'softmax' in the last one.",
    },
    "spec.problem.not_bool": {
        "pt": "{layer}: '{arg}' vale {value}, mas precisa ser verdadeiro ou falso.",
        "en": "{layer}: '{arg}' is {value}, but it must be true or false.",
    },
    "spec.fix.not_bool": {
        "pt": "Use true ou false (sem aspas).",
        "en": "Use true or false (without quotes).",
    },
    "spec.problem.bad_rate": {
        "pt": "{layer}: a taxa de dropout {value} precisa ser um número de 0 até menos de 1 (a fração de valores zerados no treino).",
        "en": "{layer}: the dropout rate {value} must be a number from 0 up to (but not including) 1 (the fraction of values zeroed during training).",
    },
    "spec.fix.bad_rate": {
        "pt": "Valores comuns ficam entre 0.1 e 0.5; o post usa 0.25.",
        "en": "Common values are between 0.1 and 0.5; the blog uses 0.25.",
    },
    "spec.problem.bad_fraction": {
        "pt": "{layer}: '{arg}' vale {value}, mas precisa ser um número entre 0 e 1.",
        "en": "{layer}: '{arg}' is {value}, but it must be a number between 0 and 1.",
    },
    "spec.fix.bad_fraction": {
        "pt": "O padrão do Keras é 0.99.",
        "en": "Keras's default is 0.99.",
    },
    "spec.problem.not_positive_float": {
        "pt": "{layer}: '{arg}' vale {value}, mas precisa ser um número maior que zero.",
        "en": "{layer}: '{arg}' is {value}, but it must be a number greater than zero.",
    },
    "spec.fix.not_positive_float": {
        "pt": "O padrão do Keras é 0.001.",
        "en": "Keras's default is 0.001.",
    },
    # ---- Shapes along the stack --------------------------------------------------------------
    "spec.problem.empty": {
        "pt": "O modelo não tem nenhuma camada.",
        "en": "The model has no layers.",
    },
    "spec.fix.empty": {
        "pt": "Comece por um modelo pronto ou acrescente camadas, terminando em Flatten e Dense com softmax.",
        "en": "Start from a ready-made model or add layers, ending with Flatten and a softmax Dense.",
    },
    "spec.problem.conv_too_small": {
        "pt": "{layer}: a imagem chega aqui com apenas {size} (depois de {pools} camada(s) que reduzem o tamanho); uma convolução {window} sem preenchimento deixaria {result}, e um tamanho precisa ser pelo menos 1.",
        "en": "{layer}: the image arrives here only {size} (after {pools} size-reducing layer(s)); a {window} convolution without padding would leave {result}, and a size must be at least 1.",
    },
    "spec.fix.conv_too_small": {
        "pt": "Use padding='same' em {layer}, um filtro menor, ou remova uma camada de pooling antes dela.",
        "en": "Use padding='same' in {layer}, a smaller kernel, or remove a pooling layer before it.",
    },
    "spec.problem.pool_too_small": {
        "pt": "{layer}: a imagem chega aqui com apenas {size} (depois de {pools} camada(s) que reduzem o tamanho); um pooling {window} sem preenchimento deixaria {result}, e um tamanho precisa ser pelo menos 1.",
        "en": "{layer}: the image arrives here only {size} (after {pools} size-reducing layer(s)); a {window} pooling without padding would leave {result}, and a size must be at least 1.",
    },
    "spec.fix.pool_too_small": {
        "pt": "Remova {layer} ou outra camada de pooling, use uma janela menor ou padding='same'.",
        "en": "Remove {layer} or another pooling layer, use a smaller window, or padding='same'.",
    },
    "spec.problem.dense_needs_flat": {
        "pt": "{layer}: uma camada densa espera uma lista de números, mas recebe uma imagem {shape} (altura x largura x canais).",
        "en": "{layer}: a dense layer expects a list of numbers, but it receives a {shape} image (height x width x channels).",
    },
    "spec.fix.dense_needs_flat": {
        "pt": "Coloque um Flatten (enfileira todos os valores) ou um GlobalAveragePooling2D (uma média por canal) antes de {layer}.",
        "en": "Put a Flatten (lines up all the values) or a GlobalAveragePooling2D (one average per channel) before {layer}.",
    },
    "spec.problem.needs_image": {
        "pt": "{layer}: uma camada {type} trabalha sobre uma imagem (altura x largura x canais), mas aqui os dados já são uma lista de números.",
        "en": "{layer}: a {type} layer works on an image (height x width x channels), but here the data is already a flat list of numbers.",
    },
    "spec.fix.needs_image": {
        "pt": "Mova {layer} para antes do Flatten (ou do pooling global), ou remova-a.",
        "en": "Move {layer} before the Flatten (or the global pooling), or remove it.",
    },
    "spec.problem.flatten_flat": {
        "pt": "{layer}: os dados já são uma lista de números; este Flatten não muda nada.",
        "en": "{layer}: the data is already a flat list of numbers; this Flatten changes nothing.",
    },
    "spec.fix.flatten_flat": {
        "pt": "Remova {layer}.",
        "en": "Remove {layer}.",
    },
    "spec.problem.pool_does_nothing": {
        "pt": "{layer}: um pooling 1x1 com passo 1 olha um pixel de cada vez e devolve a mesma imagem; ele não faz nada.",
        "en": "{layer}: a 1x1 pooling with step 1 looks at one pixel at a time and returns the same image; it does nothing.",
    },
    "spec.fix.pool_does_nothing": {
        "pt": "Remova {layer} ou use pool_size 2 para reduzir a imagem pela metade.",
        "en": "Remove {layer} or use pool_size 2 to halve the image.",
    },
    # ---- The classifier head -----------------------------------------------------------------
    "spec.problem.last_not_dense": {
        "pt": "{layer}: a rede precisa terminar com uma camada densa que dê uma nota para cada uma das {classes} classes.",
        "en": "{layer}: the network must end with a dense layer that gives a score to each of the {classes} classes.",
    },
    "spec.fix.last_not_dense": {
        "pt": "Termine com Flatten (se ainda houver imagem) e Dense({classes}, activation='softmax').",
        "en": "End with Flatten (if there is still an image) and Dense({classes}, activation='softmax').",
    },
    "spec.problem.wrong_units": {
        "pt": "{layer}: a última camada tem {units} neurônios, mas há {classes} classes; é preciso um neurônio por classe.",
        "en": "{layer}: the last layer has {units} neurons, but there are {classes} classes; it needs one neuron per class.",
    },
    "spec.fix.wrong_units": {
        "pt": "Mude units de {layer} para {classes}.",
        "en": "Set the units of {layer} to {classes}.",
    },
    "spec.problem.no_softmax": {
        "pt": "{layer}: a saída usa a ativação '{activation}', então as notas das classes não somam 1 como probabilidades.",
        "en": "{layer}: the output uses the '{activation}' activation, so the class scores do not add up to 1 like probabilities.",
    },
    "spec.fix.no_softmax": {
        "pt": "Use activation='softmax' em {layer}.",
        "en": "Use activation='softmax' in {layer}.",
    },
    # ---- Resources ---------------------------------------------------------------------------
    "spec.problem.too_many_params": {
        "pt": "O modelo tem {params} pesos; o limite deste servidor é {cap}.",
        "en": "The model has {params} weights; this server's limit is {cap}.",
    },
    "spec.fix.too_many_params": {
        "pt": "Use menos filtros ou neurônios, ou reduza a imagem (pooling) antes do Flatten: a primeira camada densa costuma concentrar a maior parte dos pesos.",
        "en": "Use fewer filters or neurons, or shrink the image (pooling) before the Flatten: the first dense layer usually holds most of the weights.",
    },
    "spec.problem.too_much_memory": {
        "pt": "Treinar em lotes de {batch} imagens guardaria cerca de {mb} MB de ativações, acima do limite de {cap_mb} MB deste servidor; a maior saída é a de {layer}.",
        "en": "Training in batches of {batch} images would keep about {mb} MB of activations, above this server's limit of {cap_mb} MB; the largest output is {layer}'s.",
    },
    "spec.fix.too_much_memory": {
        "pt": "Use menos filtros em {layer} e nas camadas sem pooling antes dela, ou reduza a imagem mais cedo com pooling.",
        "en": "Use fewer filters in {layer} and in the layers before it that have no pooling, or shrink the image earlier with pooling.",
    },
    # ---- Layer types (display names) ---------------------------------------------------------
    "spec.layer.Conv2D": {"pt": "Convolução 2D", "en": "2D convolution"},
    "spec.layer.MaxPooling2D": {"pt": "Max pooling", "en": "Max pooling"},
    "spec.layer.AveragePooling2D": {"pt": "Average pooling", "en": "Average pooling"},
    "spec.layer.BatchNormalization": {"pt": "Normalização em lote", "en": "Batch normalization"},
    "spec.layer.Dropout": {"pt": "Dropout", "en": "Dropout"},
    "spec.layer.Flatten": {"pt": "Achatar (Flatten)", "en": "Flatten"},
    "spec.layer.GlobalAveragePooling2D": {
        "pt": "Média global por canal",
        "en": "Global average pooling",
    },
    "spec.layer.GlobalMaxPooling2D": {
        "pt": "Máximo global por canal",
        "en": "Global max pooling",
    },
    "spec.layer.Dense": {"pt": "Densa (totalmente conectada)", "en": "Dense (fully connected)"},
    "spec.layer.Activation": {"pt": "Ativação", "en": "Activation"},
    # ---- Comments in exported Keras code ----------------------------------------------------
    "spec.code.header": {
        "pt": "Imagens de {shape} pixels com valores de 0 a 255; {classes} classes.",
        "en": "Images of {shape} pixels with values from 0 to 255; {classes} classes.",
    },
    "spec.code.rescale": {"pt": "pixels 0-255 -> 0-1", "en": "pixels 0-255 -> 0-1"},
    "spec.code.row": {
        "pt": "saída {shape}, {params} pesos",
        "en": "output {shape}, {params} weights",
    },
    "spec.code.total": {"pt": "Total: {params} pesos.", "en": "Total: {params} weights."},
    # ---- Presets -----------------------------------------------------------------------------
    "spec.preset.blog.title": {"pt": "Modelo do post", "en": "The blog's model"},
    "spec.preset.blog.about": {
        "pt": "A rede do post original para o CIFAR-10: cinco convoluções, 229.834 pesos. Inclui os três MaxPooling 1x1 que não fazem nada, para você ver por quê.",
        "en": "The original blog post's CIFAR-10 network: five convolutions, 229,834 weights. It keeps the three 1x1 MaxPooling layers that do nothing, so you can see why.",
    },
    "spec.preset.lenet.title": {"pt": "LeNet-5", "en": "LeNet-5"},
    "spec.preset.lenet.about": {
        "pt": "A rede clássica de Yann LeCun (1998), adaptada a imagens coloridas: duas convoluções 5x5 com pooling e três camadas densas. Pequena e rápida.",
        "en": "Yann LeCun's classic network (1998), adapted to colour images: two 5x5 convolutions with pooling and three dense layers. Small and quick.",
    },
    "spec.preset.fast.title": {"pt": "Rápida (estilo airbench)", "en": "Fast (airbench style)"},
    "spec.preset.fast.about": {
        "pt": "Uma primeira camada 2x2 cujos 24 filtros são calculados a partir das imagens "
        "(branqueamento) e três estágios de 64, 128 e 256 filtros com normalização em lote, como "
        "nas redes que treinam o CIFAR-10 em segundos numa GPU. Com a receita rápida, passa de "
        "75% de acerto em 1 minuto e de 90% em 10 minutos numa CPU de 2 núcleos com bfloat16 "
        "(AVX-512); numa CPU sem ele, leva cerca de três vezes mais.",
        "en": "A 2x2 first layer whose 24 filters are computed from the images (whitening), then "
        "three stages of 64, 128 and 256 filters with batch normalization, like the networks "
        "that train CIFAR-10 in seconds on a GPU. With the fast recipe it passes 75% accuracy in "
        "1 minute and 90% in 10 minutes on a 2-core CPU with bfloat16 (AVX-512); on a CPU "
        "without it, about three times longer.",
    },
    "spec.preset.fast_small.title": {
        "pt": "Rápida e pequena (demonstração)",
        "en": "Fast and small (quick demo)",
    },
    "spec.preset.fast_small.about": {
        "pt": "A mesma rede rápida com 32, 64 e 128 filtros: um quarto das contas por imagem. "
        "Num treino curto numa CPU de 2 núcleos, ver mais imagens vale mais que uma rede larga: "
        "em 30 segundos ela aprende mais que a rápida, e o teste final leva um quarto do tempo. "
        "É a rede da demonstração rápida.",
        "en": "The same fast network with 32, 64 and 128 filters: a quarter of the arithmetic "
        "per image. In a short run on a 2-core CPU, seeing more images beats a wider network: in "
        "30 seconds it learns more than the fast one, and the final test takes a quarter of the "
        "time. The quick demo trains it.",
    },
}
