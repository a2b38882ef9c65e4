"""Strings of the Train page (keys ``trainp.``): live training, states, run history."""

STRINGS = {
    "trainp.title": {"pt": "Treinar a rede", "en": "Train the network"},
    "trainp.intro": {
        "pt": "Aperte o botão e acompanhe a rede aprendendo: a cada lote de imagens ela erra um pouco menos. A curva de **validação** usa imagens que a rede nunca viu no treino; é ela que diz se a rede está aprendendo de verdade ou só decorando.",
        "en": "Press the button and watch the network learn: with every batch of images it gets a little less wrong. The **validation** curve uses images the network never trains on; it tells you whether the network is really learning or just memorising.",
    },
    "trainp.design_title": {"pt": "O que vai ser treinado", "en": "What will be trained"},
    "trainp.design_line": {
        "pt": "**{name}**: {layers} camadas, {params} parâmetros.",
        "en": "**{name}**: {layers} layers, {params} parameters.",
    },
    "trainp.settings_line": {
        "pt": "{dataset} · {optimizer}, taxa de aprendizado {lr} · lotes de {batch} imagens · até {epochs} épocas.",
        "en": "{dataset} · {optimizer}, learning rate {lr} · batches of {batch} images · up to {epochs} epochs.",
    },
    "trainp.settings_images": {
        "pt": "Só as primeiras {n} imagens de treino.",
        "en": "Only the first {n} training images.",
    },
    "trainp.settings_line_budget": {
        "pt": "{dataset} · {optimizer}, taxa de aprendizado {lr} · lotes de {batch} imagens.",
        "en": "{dataset} · {optimizer}, learning rate {lr} · batches of {batch} images.",
    },
    "trainp.settings_budget": {
        "pt": "O treino encerra depois de {time}.",
        "en": "Stops after {time}.",
    },
    "trainp.settings_whiten": {
        "pt": "Primeira camada calculada dos dados (branqueamento).",
        "en": "First layer computed from the data (whitening).",
    },
    "trainp.settings_low_res": {
        "pt": "Os primeiros {share} do treino usam imagens em meia resolução.",
        "en": "The first {share} of the run use half-size images.",
    },
    "trainp.default_design": {
        "pt": "Você ainda não montou uma rede, então esta é a do artigo. Em um servidor pequeno, 40 épocas dela levam horas: para ver algo em meio minuto, use a demonstração rápida.",
        "en": "You have not built a network yet, so this is the blog's. On a small server its 40 epochs take hours: to see something in half a minute, use the quick demo.",
    },
    "trainp.edit_design": {
        "pt": "Mudar a rede ou o treino",
        "en": "Change the network or the training",
    },
    "trainp.design_has_errors": {
        "pt": "Esta rede tem erros e não pode ser treinada. Corrija-os na página Montar a rede.",
        "en": "This network has errors and cannot be trained. Fix them on the Build page.",
    },
    "trainp.loading_engine": {
        "pt": "Carregando o TensorFlow (alguns segundos na primeira vez)…",
        "en": "Loading TensorFlow (a few seconds the first time)…",
    },
    "trainp.run_title": {"pt": "Treino", "en": "Training"},
    "trainp.start": {"pt": "Treinar esta rede", "en": "Train this network"},
    "trainp.quick_demo": {
        "pt": "Demonstração rápida (menos de um minuto)",
        "en": "Quick demo (under a minute)",
    },
    "trainp.own_title": {
        "pt": "**Ou treine a rede acima**, com as configurações dela:",
        "en": "**Or train the network above**, with its own settings:",
    },
    "trainp.expected": {
        "pt": "Neste servidor, deve levar cerca de {time} (teste incluído).",
        "en": "On this server it should take about {time} (test included).",
    },
    "trainp.confirm.text": {
        "pt": "Este treino deve levar cerca de {time} neste servidor, e ocupa o treino do servidor enquanto isso. Começar mesmo assim?",
        "en": "This run should take about {time} on this server, and holds the server's training while it runs. Start it anyway?",
    },
    "trainp.confirm.yes": {"pt": "Sim, começar o treino", "en": "Yes, start training"},
    "trainp.confirm.no": {"pt": "Não, voltar", "en": "No, go back"},
    "trainp.quick_demo_help": {
        "pt": "Demonstração rápida: uma rede moderna feita para treinar rápido (“{name}”). {text}",
        "en": "Quick demo: a modern network built to train fast (“{name}”). {text}",
    },
    "trainp.retry": {"pt": "Tentar de novo", "en": "Try again"},
    "trainp.start_failed": {
        "pt": "Não deu para começar o treino: {reason}",
        "en": "Training could not start: {reason}",
    },
    "trainp.reason.generic": {
        "pt": "erro inesperado ({kind}).",
        "en": "unexpected error ({kind}).",
    },
    "trainp.reason.unknown": {"pt": "motivo desconhecido.", "en": "unknown reason."},
    # States
    "trainp.state.busy": {
        "pt": "Outra pessoa está treinando neste servidor agora, e ele só treina uma rede por vez. Espere um pouco e tente de novo; nada foi iniciado.",
        "en": "Someone else is training on this server right now, and it trains one network at a time. Wait a little and try again; nothing was started.",
    },
    "trainp.state.queued": {
        "pt": "Preparando: carregando os dados e montando a rede…",
        "en": "Getting ready: loading the data and building the network…",
    },
    "trainp.state.running": {"pt": "Treinando.", "en": "Training."},
    "trainp.state.stopping": {
        "pt": "Parando: o lote em andamento termina e a rede é testada com o que aprendeu.",
        "en": "Stopping: the batch in flight finishes and the network is tested with what it learned.",
    },
    "trainp.state.stopped": {
        "pt": "Você parou o treino depois de {epochs} épocas completas. O que a rede aprendeu até ali foi guardado.",
        "en": "You stopped training after {epochs} full epochs. What the network learned so far was kept.",
    },
    "trainp.state.finished": {
        "pt": "Pronto! {epochs} épocas; acurácia na validação: {val}.",
        "en": "Done! {epochs} epochs; validation accuracy: {val}.",
    },
    "trainp.state.finished_noval": {
        "pt": "Pronto! {epochs} épocas.",
        "en": "Done! {epochs} epochs.",
    },
    "trainp.state.diverged": {
        "pt": "O treino divergiu: a perda explodiu (virou infinita ou NaN) e a rede parou de aprender.",
        "en": "Training diverged: the loss blew up (became infinite or NaN) and the network stopped learning.",
    },
    "trainp.advice_intro": {"pt": "O que costuma resolver:", "en": "What usually helps:"},
    "trainp.advice.lower_lr": {
        "pt": "Diminua a taxa de aprendizado (divida por 10).",
        "en": "Lower the learning rate (divide it by 10).",
    },
    "trainp.advice.batchnorm": {
        "pt": "Coloque BatchNormalization depois das convoluções.",
        "en": "Put BatchNormalization after the convolutions.",
    },
    "trainp.advice.adam": {"pt": "Use o otimizador Adam.", "en": "Use the Adam optimizer."},
    "trainp.state.interrupted_early": {
        "pt": "Este treino foi interrompido antes de completar a primeira época (o servidor reiniciou ou o processo de treino parou), então não há pesos guardados. Aperte “{button}” para começar de novo.",
        "en": "This run was interrupted before its first full epoch (the server restarted or the training process stopped), so no weights were kept. Press “{button}” to start again.",
    },
    "trainp.state.interrupted": {
        "pt": "Este treino foi interrompido depois de {epochs} épocas completas (o servidor reiniciou ou o processo de treino parou); os pesos dessas épocas foram guardados.",
        "en": "This run was interrupted after {epochs} full epochs (the server restarted or the training process stopped); the weights of those epochs were kept.",
    },
    "trainp.state.failed": {
        "pt": "O treino falhou: {reason}",
        "en": "Training failed: {reason}",
    },
    # Live panel
    "trainp.progress": {
        "pt": "Época {epoch} de {epochs} · lote {batch} de {batches} · falta {left}",
        "en": "Epoch {epoch} of {epochs} · batch {batch} of {batches} · {left} left",
    },
    "trainp.speed": {
        "pt": "{ips} imagens por segundo · {elapsed} de treino",
        "en": "{ips} images per second · {elapsed} of training",
    },
    "trainp.stop": {"pt": "Parar", "en": "Stop"},
    "trainp.stop_help": {
        "pt": "Parar vale a partir do próximo lote e mantém o que a rede já aprendeu.",
        "en": "Stopping takes effect from the next batch and keeps what the network has learned.",
    },
    # Charts
    "trainp.chart.loss": {"pt": "Perda (quanto menor, melhor)", "en": "Loss (lower is better)"},
    "trainp.chart.accuracy": {
        "pt": "Acurácia (quanto maior, melhor)",
        "en": "Accuracy (higher is better)",
    },
    "trainp.axis.epoch": {"pt": "época", "en": "epoch"},
    "trainp.axis.loss": {"pt": "perda", "en": "loss"},
    "trainp.axis.accuracy": {"pt": "acurácia (%)", "en": "accuracy (%)"},
    "trainp.curve.batch": {"pt": "treino (por lote)", "en": "training (per batch)"},
    "trainp.curve.train": {"pt": "treino (por época)", "en": "training (per epoch)"},
    "trainp.curve.val": {"pt": "validação (por época)", "en": "validation (per epoch)"},
    "trainp.curve.val_sample": {
        "pt": "validação (amostra de {n} imagens)",
        "en": "validation (sample of {n} images)",
    },
    "trainp.axis.images": {
        "pt": "imagens vistas no treino",
        "en": "training images seen",
    },
    "trainp.caption.images": {"pt": "Depois de {images} imagens:", "en": "After {images} images:"},
    "trainp.caption.train_loss": {
        "pt": "perda {value} no treino.",
        "en": "loss {value} on training.",
    },
    "trainp.caption.train_accuracy": {
        "pt": "acurácia {value} no treino.",
        "en": "accuracy {value} on training.",
    },
    "trainp.caption.val_loss": {
        "pt": "Validação (amostra de {n} imagens): perda {value}.",
        "en": "Validation (sample of {n} images): loss {value}.",
    },
    "trainp.caption.val_accuracy": {
        "pt": "Validação (amostra de {n} imagens): acurácia {value}.",
        "en": "Validation (sample of {n} images): accuracy {value}.",
    },
    "trainp.caption.loss": {
        "pt": "Época {epoch}: perda {train} no treino e {val} na validação.",
        "en": "Epoch {epoch}: loss {train} on training and {val} on validation.",
    },
    "trainp.caption.accuracy": {
        "pt": "Época {epoch}: acurácia {train} no treino e {val} na validação.",
        "en": "Epoch {epoch}: accuracy {train} on training and {val} on validation.",
    },
    "trainp.caption.batch": {
        "pt": "Lote {step}: {value} (média da época até aqui).",
        "en": "Batch {step}: {value} (mean of the epoch so far).",
    },
    "trainp.caption.empty": {
        "pt": "Ainda sem pontos: o primeiro lote está a caminho.",
        "en": "No points yet: the first batch is on its way.",
    },
    "trainp.last_run": {"pt": "Último treino: {run}", "en": "Last run: {run}"},
    "trainp.test_line": {
        "pt": "No conjunto de teste (imagens que a rede nunca viu), no formato do artigo:",
        "en": "On the test set (images the network never saw), in the blog's format:",
    },
    "trainp.to_evaluate": {
        "pt": "Ver onde a rede acerta e erra",
        "en": "See where the network is right and wrong",
    },
    # Optimizers
    "trainp.opt.sgd": {"pt": "SGD", "en": "SGD"},
    "trainp.opt.sgd_momentum": {"pt": "SGD com momento", "en": "SGD with momentum"},
    "trainp.opt.adam": {"pt": "Adam", "en": "Adam"},
    "trainp.opt.adamw": {"pt": "AdamW", "en": "AdamW"},
    # History
    "trainp.history.title": {"pt": "Seus treinos", "en": "Your runs"},
    "trainp.history.empty": {
        "pt": "Você ainda não treinou nenhuma rede. Os treinos aparecem aqui, mesmo depois de recarregar a página.",
        "en": "You have not trained a network yet. Runs show up here, even after you reload the page.",
    },
    "trainp.history.caption": {
        "pt": "{n} treino(s), do mais novo ao mais antigo. A melhor acurácia na validação e a do teste, quando existe.",
        "en": "{n} run(s), newest first. Best validation accuracy and test accuracy, when there is one.",
    },
    "trainp.run_label": {"pt": "{run} · {name}", "en": "{run} · {name}"},
    "trainp.col.run": {"pt": "Treino", "en": "Run"},
    "trainp.col.model": {"pt": "Modelo", "en": "Model"},
    "trainp.col.layers": {"pt": "Camadas", "en": "Layers"},
    "trainp.col.params": {"pt": "Parâmetros", "en": "Parameters"},
    "trainp.col.dataset": {"pt": "Dados", "en": "Data"},
    "trainp.col.optimizer": {"pt": "Otimizador", "en": "Optimizer"},
    "trainp.col.lr": {"pt": "Taxa de aprendizado", "en": "Learning rate"},
    "trainp.col.batch": {"pt": "Lote", "en": "Batch"},
    "trainp.col.augment": {"pt": "Aumento de dados", "en": "Augmentation"},
    "trainp.col.epochs": {"pt": "Épocas", "en": "Epochs"},
    "trainp.col.epochs_of": {"pt": "{done} de {planned}", "en": "{done} of {planned}"},
    "trainp.col.epochs_part": {
        "pt": "{full} + {batches} lotes",
        "en": "{full} + {batches} batches",
    },
    "trainp.col.status": {"pt": "Situação", "en": "Status"},
    "trainp.col.val_acc": {"pt": "Acurácia (validação)", "en": "Accuracy (validation)"},
    "trainp.col.test_acc": {"pt": "Acurácia (teste)", "en": "Accuracy (test)"},
    "trainp.col.test_loss": {"pt": "Perda (teste)", "en": "Loss (test)"},
    "trainp.yes": {"pt": "sim", "en": "yes"},
    "trainp.no": {"pt": "não", "en": "no"},
    "trainp.compare.title": {"pt": "Comparar treinos", "en": "Compare runs"},
    "trainp.compare.pick": {
        "pt": "Escolha dois ou mais treinos",
        "en": "Pick two or more runs",
    },
    "trainp.compare.need_two": {
        "pt": "Escolha pelo menos dois treinos para ver as curvas lado a lado.",
        "en": "Pick at least two runs to see their curves together.",
    },
    "trainp.compare.chart.accuracy": {
        "pt": "Acurácia na validação por época",
        "en": "Validation accuracy per epoch",
    },
    "trainp.compare.chart.loss": {
        "pt": "Perda na validação por época",
        "en": "Validation loss per epoch",
    },
    "trainp.compare.caption": {
        "pt": "Entre os {n} treinos, {run} chegou mais longe: {val} na validação.",
        "en": "Of the {n} runs, {run} got furthest: {val} on validation.",
    },
    "trainp.compare.caption_loss": {
        "pt": "Menor perda na validação: {run}, com {loss}.",
        "en": "Lowest validation loss: {run}, with {loss}.",
    },
    "trainp.continue.title": {"pt": "Treinar mais", "en": "Train more"},
    "trainp.continue.pick": {"pt": "Treino a continuar", "en": "Run to continue"},
    "trainp.continue.epochs": {"pt": "Mais quantas épocas", "en": "How many more epochs"},
    "trainp.continue.go": {"pt": "Continuar o treino", "en": "Continue training"},
    "trainp.continue.none": {
        "pt": "Nenhum treino com pesos salvos para continuar.",
        "en": "No run with saved weights to continue.",
    },
    "trainp.delete.title": {"pt": "Apagar", "en": "Delete"},
    "trainp.delete.pick": {"pt": "Treino a apagar", "en": "Run to delete"},
    "trainp.delete.confirm": {
        "pt": "Sim, apagar este treino e seus pesos para sempre",
        "en": "Yes, delete this run and its weights for good",
    },
    "trainp.delete.go": {"pt": "Apagar treino", "en": "Delete run"},
    "trainp.delete.done": {"pt": "Treino {run} apagado.", "en": "Run {run} deleted."},
    "trainp.delete.failed": {
        "pt": "Não deu para apagar: {reason}",
        "en": "Could not delete: {reason}",
    },
    "trainp.delete.none": {
        "pt": "Nada para apagar agora (um treino em andamento não pode ser apagado).",
        "en": "Nothing to delete right now (a run in progress cannot be deleted).",
    },
    # Added after QA: design from the URL, the running run's design, progress phases.
    "trainp.design_title_running": {
        "pt": "O que está sendo treinado",
        "en": "What is being trained",
    },
    "trainp.design_of_run": {
        "pt": "Esta é a rede e o treino do treino {run}, o que está rodando agora.",
        "en": "These are the network and settings of run {run}, the one running now.",
    },
    "trainp.run_settings": {
        "pt": "Treino {run}: {text}",
        "en": "Run {run}: {text}",
    },
    "trainp.url_bad": {
        "pt": "O link traz um projeto de rede que não pôde ser lido, então aparece a rede do artigo. {reason}",
        "en": "The link carries a network design that could not be read, so the blog's network is shown. {reason}",
    },
    "trainp.choose": {"pt": "Escolha…", "en": "Choose…"},
    "trainp.progress_budget": {
        "pt": "Tempo do treino: {used} de {budget} · {images} imagens vistas",
        "en": "Time budget: {used} of {budget} · {images} images seen",
    },
    "trainp.progress.finishing": {
        "pt": "O tempo do treino acabou ({budget}): terminando o lote em andamento e medindo a rede…",
        "en": "The time budget is used up ({budget}): finishing the batch in flight and measuring the network…",
    },
    "trainp.progress.validating": {
        "pt": "Época {epoch} terminada: medindo a acurácia na validação…",
        "en": "Epoch {epoch} done: measuring validation accuracy…",
    },
    "trainp.progress.evaluating": {
        "pt": "Treino encerrado: avaliando no conjunto de teste (imagens que a rede nunca viu)…",
        "en": "Training is over: evaluating on the test set (images the network never saw)…",
    },
    "trainp.progress.preparing": {
        "pt": "Preparando o treino…",
        "en": "Getting the training ready…",
    },
    "trainp.state.stopped_mid": {
        "pt": "Você parou o treino durante a época {epoch}, depois de {batches} lotes dela. O que a rede aprendeu até ali foi guardado.",
        "en": "You stopped training during epoch {epoch}, after {batches} of its batches. What the network learned so far was kept.",
    },
    "trainp.state.stopped_mid_nobatch": {
        "pt": "Você parou o treino durante a época {epoch}. O que a rede aprendeu até ali foi guardado.",
        "en": "You stopped training during epoch {epoch}. What the network learned so far was kept.",
    },
    "trainp.state.time_up": {
        "pt": "O tempo do treino ({budget}) acabou depois de {done}; acurácia na validação: {val}.",
        "en": "The time budget ({budget}) ran out after {done}; validation accuracy: {val}.",
    },
    "trainp.done.full": {
        "pt": "{n} épocas completas",
        "en": "{n} full epochs",
    },
    "trainp.done.one": {"pt": "1 época completa", "en": "1 full epoch"},
    "trainp.done.partial": {
        "pt": "parte da época {epoch}",
        "en": "part of epoch {epoch}",
    },
    "trainp.done.partial_batches": {
        "pt": "{batches} lotes da época {epoch}",
        "en": "{batches} batches of epoch {epoch}",
    },
    "trainp.done.full_and_partial": {
        "pt": "{full} e {part}",
        "en": "{full} and {part}",
    },
}
