"""Strings of the Build page: the layer editor, the summary, training settings, sharing."""

STRINGS = {
    "build.title": {"pt": "Monte a sua rede", "en": "Build your network"},
    "build.intro": {
        "pt": "Comece pela rede do post e mexa à vontade: cada mudança recalcula na hora o formato da saída de cada camada, o número de pesos e o custo de cálculo, exatamente como o Keras faria. Se algo não encaixa, a camada culpada avisa e sugere o conserto.",
        "en": "Start from the blog's network and change whatever you like: every edit instantly recomputes each layer's output shape, weight count and compute cost, exactly as Keras would. If something doesn't fit, the layer at fault tells you and suggests a fix.",
    },
    # Presets
    "build.preset.label": {"pt": "Rede pronta", "en": "Ready-made network"},
    "build.preset.load": {"pt": "Carregar", "en": "Load"},
    "build.reset": {"pt": "Recomeçar do post", "en": "Reset to the blog's"},
    # Layer editor
    "build.layers.title": {"pt": "Camadas", "en": "Layers"},
    "build.layers.input": {
        "pt": "Entrada: imagens {shape} (altura x largura x canais).",
        "en": "Input: {shape} images (height x width x channels).",
    },
    "build.layer.header": {
        "pt": "**{index}. {name}** · {kind} → `{shape}`",
        "en": "**{index}. {name}** · {kind} → `{shape}`",
    },
    "build.layer.up": {"pt": "Subir a camada", "en": "Move the layer up"},
    "build.layer.down": {"pt": "Descer a camada", "en": "Move the layer down"},
    "build.layer.duplicate": {"pt": "Duplicar a camada", "en": "Duplicate the layer"},
    "build.layer.remove": {"pt": "Remover a camada", "en": "Remove the layer"},
    "build.layer.no_args": {
        "pt": "Esta camada não tem nada para ajustar.",
        "en": "This layer has nothing to set.",
    },
    "build.arg.filters": {"pt": "Filtros", "en": "Filters"},
    "build.arg.units": {"pt": "Neurônios", "en": "Units"},
    "build.arg.kernel_size": {"pt": "Tamanho do filtro", "en": "Kernel size"},
    "build.arg.pool_size": {"pt": "Janela", "en": "Pool size"},
    "build.arg.strides": {"pt": "Passo (stride)", "en": "Stride"},
    "build.arg.strides_default": {"pt": "= janela", "en": "= pool size"},
    "build.arg.padding": {"pt": "Padding", "en": "Padding"},
    "build.arg.activation": {"pt": "Ativação", "en": "Activation"},
    "build.arg.rate": {"pt": "Taxa de dropout", "en": "Dropout rate"},
    "build.add.type": {"pt": "Nova camada", "en": "New layer"},
    "build.add.position": {"pt": "Onde", "en": "Where"},
    "build.add.at_end": {"pt": "no fim", "en": "at the end"},
    "build.add.before": {"pt": "antes de {index}. {name}", "en": "before {index}. {name}"},
    "build.add.button": {"pt": "Adicionar", "en": "Add"},
    # Summary
    "build.summary.title": {
        "pt": "Resumo (como o model.summary())",
        "en": "Summary (like model.summary())",
    },
    "build.metric.params": {"pt": "Pesos", "en": "Weights"},
    "build.metric.params_help": {
        "pt": "Parâmetros que o treino ajusta (e os fixos, como as médias do BatchNormalization).",
        "en": "Parameters that training adjusts (plus fixed ones, such as BatchNormalization's averages).",
    },
    "build.metric.macs": {"pt": "Contas", "en": "Multiply-adds"},
    "build.metric.macs_help": {
        "pt": "Multiplicações-e-somas para passar uma imagem pela rede (M = milhões).",
        "en": "Multiply-adds to pass one image through the network (M = millions).",
    },
    "build.metric.memory": {"pt": "Memória", "en": "Memory"},
    "build.metric.memory_help": {
        "pt": "Memória das ativações de uma imagem (1 MB = 1.000.000 bytes).",
        "en": "Memory of one image's activations (1 MB = 1,000,000 bytes).",
    },
    "build.metric.partial": {"pt": "≥ {value}", "en": "≥ {value}"},
    "build.summary.partial": {
        "pt": "Números parciais: contam só as camadas que a rede consegue calcular. Com erros, a rede não pode ser treinada; corrija-os para ver os totais de verdade.",
        "en": "Partial figures: they count only the layers the network can compute. With errors the network cannot be trained; fix them to see the real totals.",
    },
    "build.unknown": {"pt": "—", "en": "—"},
    "build.current.custom": {"pt": "rede personalizada", "en": "custom network"},
    "build.current.preset": {"pt": "“{preset}”", "en": "“{preset}”"},
    "build.current.based_on": {
        "pt": "rede personalizada baseada em “{preset}”",
        "en": "custom network based on “{preset}”",
    },
    "build.current.caption": {
        "pt": "Rede atual: {title}, com {layers} camadas e {params} pesos.",
        "en": "Current network: {title}, with {layers} layers and {params} weights.",
    },
    "build.preset.placeholder": {"pt": "Escolha uma rede", "en": "Choose a network"},
    "build.preset.will_load": {
        "pt": "“Carregar” troca a rede atual por esta: {about}",
        "en": "“Load” replaces the current network with this one: {about}",
    },
    "build.placeholder": {"pt": "Escolha uma opção", "en": "Choose an option"},
    "build.summary.caption": {
        "pt": "{macs} multiplicações-e-somas por imagem; {trainable} pesos treináveis, {frozen} fixos. Treinando em lotes de {batch} imagens, as ativações ocupam cerca de {batch_memory}.",
        "en": "{macs} multiply-adds per image; {trainable} trainable weights, {frozen} fixed. Training on batches of {batch} images, the activations take about {batch_memory}.",
    },
    "build.status.ok": {
        "pt": "A rede está pronta para treinar.",
        "en": "The network is ready to train.",
    },
    "build.status.blocked": {
        "pt": "A rede tem {count} erros e ainda não pode ser treinada: veja a lista de problemas abaixo da tabela (ou o cartão de cada camada).",
        "en": "The network has {count} errors and cannot be trained yet: see the list of problems under the table (or each layer's card).",
    },
    "build.status.blocked_one": {
        "pt": "A rede tem 1 erro e ainda não pode ser treinada: veja a lista de problemas abaixo da tabela (ou o cartão da camada).",
        "en": "The network has 1 error and cannot be trained yet: see the list of problems under the table (or the layer's card).",
    },
    "build.col.index": {"pt": "#", "en": "#"},
    "build.col.layer": {"pt": "Camada (tipo)", "en": "Layer (type)"},
    "build.col.shape": {"pt": "Saída", "en": "Output"},
    "build.col.params": {"pt": "Pesos", "en": "Params"},
    "build.col.params_help": {
        "pt": "Pesos desta camada (— quando não dá para calcular).",
        "en": "This layer's weights (— when they cannot be computed).",
    },
    "build.col.macs": {"pt": "Contas", "en": "MACs"},
    "build.col.macs_help": {
        "pt": "Multiplicações-e-somas desta camada para uma imagem.",
        "en": "This layer's multiply-adds for one image.",
    },
    "build.col.memory_help": {
        "pt": "Memória da saída desta camada para uma imagem (1 kB = 1.000 bytes).",
        "en": "Memory of this layer's output for one image (1 kB = 1,000 bytes).",
    },
    "build.col.memory": {"pt": "Memória", "en": "Memory"},
    "build.col.problems": {"pt": "Problemas", "en": "Problems"},
    "build.diagram.input": {"pt": "entrada", "en": "input"},
    "build.diagram.height": {"pt": "altura", "en": "height"},
    "build.diagram.width": {"pt": "largura", "en": "width"},
    "build.diagram.depth": {"pt": "profundidade (canais)", "en": "depth (channels)"},
    "build.diagram.axis": {"pt": "tamanho (escala log)", "en": "size (log scale)"},
    "build.diagram.caption": {
        "pt": "O volume encolhe de {h}x{w} para {sh}x{sw} pixels enquanto ganha profundidade (de {c} para até {depth} canais); {out}.",
        "en": "The volume shrinks from {h}x{w} to {sh}x{sw} pixels while it gets deeper (from {c} up to {depth} channels); {out}.",
    },
    "build.diagram.out": {"pt": "a saída é {shape}", "en": "the output is {shape}"},
    "build.diagram.out_unknown": {
        "pt": "o formato da saída não pode ser calculado enquanto a rede tiver erros",
        "en": "the output shape cannot be computed while the network has errors",
    },
    "build.diagram.caption_flat": {
        "pt": "A imagem {h}x{w}x{c} vira um vetor logo de cara; {out}.",
        "en": "The {h}x{w}x{c} image becomes a vector right away; {out}.",
    },
    # Training settings
    "build.settings.title": {"pt": "Como treinar", "en": "How to train"},
    "build.set.optimizer": {"pt": "Otimizador", "en": "Optimizer"},
    "build.set.learning_rate": {"pt": "Taxa de aprendizado", "en": "Learning rate"},
    "build.set.batch_size": {"pt": "Tamanho do lote", "en": "Batch size"},
    "build.set.budget_on": {
        "pt": "Treinar por tempo em vez de épocas",
        "en": "Train for a time budget instead of epochs",
    },
    "build.set.budget_minutes": {"pt": "Minutos de treino", "en": "Minutes of training"},
    "build.set.epochs": {"pt": "Épocas", "en": "Epochs"},
    "build.set.schedule": {"pt": "Taxa ao longo do treino", "en": "Learning-rate schedule"},
    "build.set.train_size": {"pt": "Imagens de treino", "en": "Training images"},
    "build.set.full": {"pt": "todas ({count})", "en": "all ({count})"},
    "build.set.augment": {"pt": "Aumento de dados", "en": "Data augmentation"},
    "build.set.whiten": {
        "pt": "Primeira camada calculada dos dados (branqueamento)",
        "en": "First layer computed from the data (whitening)",
    },
    "build.set.whiten_help": {
        "pt": "Antes do treino, os filtros da primeira Conv2D viram as direções principais dos "
        "recortes de imagem (os autovetores da covariância), escalados para variância 1, e ficam "
        "fixos. A rede já começa separando cores e bordas, e aprende muito mais rápido no "
        "início. A primeira camada precisa ser uma Conv2D pequena, como a 2x2 com 24 filtros "
        "da rede rápida.",
        "en": "Before training, the first Conv2D's filters become the main directions of the "
        "image patches (the eigenvectors of their covariance), scaled to variance 1, and stay "
        "fixed. The network starts out telling colours and edges apart, and learns much faster "
        "early on. The first layer must be a small Conv2D, like the fast network's 2x2 with 24 "
        "filters.",
    },
    "build.set.low_res": {
        "pt": "Início em meia resolução (parte do treino)",
        "en": "Half-size start (share of the run)",
    },
    "build.set.low_res_help": {
        "pt": "No começo do treino, cada imagem é reduzida à metade (16x16 no CIFAR-10), o que "
        "custa 4 vezes menos por imagem: mais passos no mesmo tempo, quando a rede ainda aprende "
        "formas grosseiras. Depois treina no tamanho normal. Só funciona em redes com pooling "
        "global (sem Flatten), cujos pesos não dependem do tamanho da imagem.",
        "en": "Early in the run each image is shrunk to half size (16x16 on CIFAR-10), which "
        "costs 4 times less per image: more steps in the same time, while the network still "
        "learns coarse shapes. Then it trains at full size. It only works for networks with "
        "global pooling (no Flatten), whose weights do not depend on the image size.",
    },
    "build.set.augment_help": {
        "pt": "Espelha e desloca as imagens de treino ao acaso a cada época: a rede vê variações e decora menos.",
        "en": "Randomly flips and shifts the training images every epoch: the network sees variations and memorises less.",
    },
    "build.set.seed": {"pt": "Semente aleatória", "en": "Random seed"},
    "build.optimizer.sgd": {"pt": "SGD (como no post)", "en": "SGD (as in the blog)"},
    "build.optimizer.sgd_momentum": {"pt": "SGD com momento", "en": "SGD with momentum"},
    "build.optimizer.adam": {"pt": "Adam", "en": "Adam"},
    "build.optimizer.adamw": {"pt": "AdamW", "en": "AdamW"},
    "build.schedule.constant": {
        "pt": "constante (como no post)",
        "en": "constant (as in the blog)",
    },
    "build.schedule.onecycle": {
        "pt": "sobe e desce (one-cycle)",
        "en": "up then down (one-cycle)",
    },
    "build.schedule.cosine": {"pt": "cai em cosseno", "en": "cosine decay"},
    "build.field.dataset": {"pt": "conjunto de dados", "en": "dataset"},
    "build.field.optimizer": {"pt": "otimizador", "en": "optimizer"},
    "build.field.learning_rate": {"pt": "taxa de aprendizado", "en": "learning rate"},
    "build.field.momentum": {"pt": "momento", "en": "momentum"},
    "build.field.weight_decay": {"pt": "decaimento dos pesos", "en": "weight decay"},
    "build.field.schedule": {"pt": "variação da taxa", "en": "learning-rate schedule"},
    "build.field.batch_size": {"pt": "tamanho do lote", "en": "batch size"},
    "build.field.epochs": {"pt": "épocas", "en": "epochs"},
    "build.field.time_budget_s": {"pt": "tempo de treino (s)", "en": "time budget (s)"},
    "build.field.train_size": {"pt": "imagens de treino", "en": "training images"},
    "build.field.val_size": {"pt": "imagens de validação", "en": "validation images"},
    "build.field.augment": {"pt": "aumento de dados", "en": "data augmentation"},
    "build.field.label_smoothing": {"pt": "suavização dos rótulos", "en": "label smoothing"},
    "build.field.seed": {"pt": "semente aleatória", "en": "random seed"},
    "build.field.precision": {"pt": "precisão numérica", "en": "numeric precision"},
    "build.field.whiten": {"pt": "primeira camada branqueada", "en": "whitened first layer"},
    "build.field.low_res": {"pt": "início em meia resolução", "en": "half-size start"},
    # Speed
    "build.speed.title": {"pt": "Quanto tempo vai levar?", "en": "How long will it take?"},
    "build.speed.measure": {"pt": "Medir a velocidade", "en": "Measure speed"},
    "build.speed.measuring": {
        "pt": "Treinando alguns lotes de verdade para medir (leva uns 10 a 30 segundos)...",
        "en": "Training a few real batches to measure (takes about 10 to 30 seconds)...",
    },
    "build.speed.none": {
        "pt": "Meça a velocidade para saber quanto dura uma época nesta máquina.",
        "en": "Measure the speed to see how long one epoch takes on this machine.",
    },
    "build.speed.per_epoch": {"pt": "Por época", "en": "Per epoch"},
    "build.speed.total": {"pt": "Total ({epochs} épocas)", "en": "Total ({epochs} epochs)"},
    "build.speed.budget": {
        "pt": "No tempo escolhido cabem cerca de {epochs} épocas.",
        "en": "About {epochs} epochs fit in the chosen time.",
    },
    "build.speed.slow": {
        "pt": "O treino levaria uns {total}. Para ir mais rápido: menos épocas, menos imagens, lotes maiores ou uma rede menor.",
        "en": "Training would take about {total}. To go faster: fewer epochs, fewer images, bigger batches or a smaller network.",
    },
    "build.speed.stale": {
        "pt": "A rede ou o lote mudou desde a medição: meça de novo para um número exato.",
        "en": "The network or the batch changed since the measurement: measure again for an exact figure.",
    },
    # Sharing
    "build.share.title": {"pt": "Compartilhar e guardar", "en": "Share and save"},
    "build.share.caption": {
        "pt": "Este link abre exatamente esta rede com estas configurações (copie com o botão ao lado do link):",
        "en": "This link opens exactly this network with these settings (copy it with the button beside it):",
    },
    "build.file.download": {"pt": "Baixar o projeto (JSON)", "en": "Download the design (JSON)"},
    "build.file.upload": {"pt": "Abrir um projeto (JSON)", "en": "Open a design (JSON)"},
    "build.file.upload_what": {
        "pt": "Arraste para a caixa abaixo (ou clique no botão dela) um arquivo .json baixado nesta página.",
        "en": "Drag into the box below (or click its button) a .json file downloaded from this page.",
    },
    "build.file.upload_help": {
        "pt": "Só arquivos .json salvos por esta página (até {kb} KB). Modelos treinados não são aceitos.",
        "en": "Only .json files saved by this page (up to {kb} KB). Trained model files are not accepted.",
    },
    "build.file.bad": {
        "pt": "Não deu para abrir {name}; a rede atual continua como estava. {reason}",
        "en": "Could not open {name}; the current network is unchanged. {reason}",
    },
    "build.file.loaded": {"pt": "Projeto {name} aberto.", "en": "Opened design {name}."},
    "build.url.bad": {
        "pt": "O link tem um projeto que não pôde ser lido; a rede atual continua como estava. {reason}",
        "en": "The link carries a design that could not be read; the current network is unchanged. {reason}",
    },
    "build.url.loaded": {
        "pt": "Aberta a partir do link: {name}.",
        "en": "Opened from the link: {name}.",
    },
    "build.code.title": {
        "pt": "Código Keras desta rede: o programa completo",
        "en": "Keras code for this network: the whole program",
    },
    "build.code.what": {
        "pt": "Carrega os dados com o Keras, separa a validação como o post, monta esta rede, treina com as escolhas acima e imprime a linha do post (Accuracy: …% | Loss: …). Roda num notebook ou com python.",
        "en": "Loads the data with Keras, keeps the validation split as the blog did, builds this network, trains it with the choices above and prints the blog's line (Accuracy: …% | Loss: …). Runs in a notebook or with python.",
    },
    "build.code.download": {"pt": "Baixar o programa (.py)", "en": "Download the program (.py)"},
    "build.code.blocked": {
        "pt": "Corrija os erros da rede para ver o código.",
        "en": "Fix the network's errors to see the code.",
    },
    "build.go_train": {"pt": "Ir para o treino", "en": "Go to training"},
    "build.go_train.blocked_network": {
        "pt": "Para treinar, primeiro corrija os {count} erros da rede (marcados nas camadas).",
        "en": "To train, first fix the network's {count} errors (marked on the layers).",
    },
    "build.go_train.blocked_network_one": {
        "pt": "Para treinar, primeiro corrija o erro da rede (marcado na camada).",
        "en": "To train, first fix the network's error (marked on the layer).",
    },
    "build.go_train.blocked_settings": {
        "pt": "Para treinar, primeiro corrija as configurações de treino marcadas acima.",
        "en": "To train, first fix the training settings marked above.",
    },
    # Problems of designs from outside (URL, file) and of settings
    "build.problem.settings_type": {
        "pt": "As configurações de treino não estão no formato certo; use um arquivo salvo por esta página.",
        "en": "The training settings are not in the right format; use a file saved by this page.",
    },
    "build.problem.choice": {
        "pt": "Valor desconhecido para {setting}. Escolha um destes: {allowed}.",
        "en": "Unknown value for {setting}. Pick one of: {allowed}.",
    },
    "build.problem.range": {
        "pt": "O valor de {setting} precisa estar entre {low} e {high}.",
        "en": "The {setting} must be between {low} and {high}.",
    },
    "build.problem.boolean": {
        "pt": "{setting} deve ser ligado ou desligado (true/false).",
        "en": "The {setting} must be on or off (true/false).",
    },
    "build.problem.not_a_design": {
        "pt": "Isto não é um projeto do CNN Studio (falta a rede, “spec”). Use um arquivo baixado nesta página.",
        "en": 'This is not a CNN Studio design (the network, "spec", is missing). Use a file downloaded from this page.',
    },
    "build.problem.version": {
        "pt": "O projeto é de uma versão {version} que esta página não conhece.",
        "en": "The design comes from a version {version} this page does not know.",
    },
    "build.problem.bad_spec": {
        "pt": "A descrição da rede está danificada.",
        "en": "The network description is damaged.",
    },
    "build.problem.too_many_layers": {
        "pt": "A rede tem camadas demais (o limite é {max}).",
        "en": "The network has too many layers (the limit is {max}).",
    },
    "build.problem.at_layer": {"pt": "Camada {index}: {text}", "en": "Layer {index}: {text}"},
    "build.problem.too_big": {
        "pt": "O arquivo é grande demais para ser um projeto (limite de {kb} KB).",
        "en": "The file is too big to be a design (limit {kb} KB).",
    },
    "build.problem.not_json": {
        "pt": "O arquivo não é um JSON válido. Use um .json baixado nesta página.",
        "en": "The file is not valid JSON. Use a .json downloaded from this page.",
    },
    "build.problem.bad_link": {
        "pt": "O link está incompleto ou foi alterado; peça o link de novo a quem o enviou.",
        "en": "The link is incomplete or was altered; ask whoever sent it for the link again.",
    },
    "build.problem.link_too_long": {
        "pt": "O projeto no link é grande demais.",
        "en": "The design in the link is too big.",
    },
    "build.problem.spec": {
        "pt": "A rede tem um problema.",
        "en": "The network has a problem.",
    },
    "build.metric.partial_delta": {"pt": "parcial", "en": "partial"},
    "build.col.errors_one": {"pt": "1 erro", "en": "1 error"},
    "build.col.errors": {"pt": "{count} erros", "en": "{count} errors"},
    "build.col.warnings_one": {"pt": "1 aviso", "en": "1 warning"},
    "build.col.warnings": {"pt": "{count} avisos", "en": "{count} warnings"},
    "build.problems.title": {"pt": "Problemas", "en": "Problems"},
    "build.problems.none": {
        "pt": "Nenhum problema: todas as camadas se encaixam.",
        "en": "No problems: every layer fits.",
    },
    "build.problems.where": {"pt": "Camada {index} ({name})", "en": "Layer {index} ({name})"},
    "build.problems.network": {"pt": "A rede toda", "en": "The whole network"},
    "build.fix.dense_needs_flat": {
        "pt": "Inserir Flatten antes de {layer}",
        "en": "Insert Flatten before {layer}",
    },
    "build.fix.flatten_flat": {"pt": "Remover {layer}", "en": "Remove {layer}"},
    "build.fix.pool_does_nothing": {"pt": "Remover {layer}", "en": "Remove {layer}"},
    "build.fix.needs_image": {
        "pt": "Levar {layer} para antes do Flatten",
        "en": "Move {layer} before the Flatten",
    },
    "build.fix.conv_too_small": {
        "pt": "Usar padding='same' em {layer}",
        "en": "Use padding='same' in {layer}",
    },
    "build.fix.pool_too_small": {
        "pt": "Usar padding='same' em {layer}",
        "en": "Use padding='same' in {layer}",
    },
    "build.fix.last_not_dense": {
        "pt": "Terminar com Dense({classes}, softmax)",
        "en": "End with Dense({classes}, softmax)",
    },
    "build.fix.wrong_units": {
        "pt": "{layer}: {classes} neurônios com softmax",
        "en": "{layer}: {classes} neurons with softmax",
    },
    "build.fix.no_softmax": {
        "pt": "{layer}: {classes} neurônios com softmax",
        "en": "{layer}: {classes} neurons with softmax",
    },
    "build.fix.done": {"pt": "Corrigido: {what}.", "en": "Fixed: {what}."},
}
