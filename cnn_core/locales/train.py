"""Strings of the training engine: run statuses, advice after a failed run, errors."""

STRINGS = {
    # Statuses (Snapshot.status and RunInfo.status).
    "train.status.waiting": {"pt": "Aguardando a vez", "en": "Waiting for a slot"},
    "train.status.queued": {"pt": "Na fila", "en": "Queued"},
    "train.status.running": {"pt": "Treinando", "en": "Training"},
    "train.status.stopping": {"pt": "Parando…", "en": "Stopping…"},
    "train.status.stopped": {"pt": "Parado", "en": "Stopped"},
    "train.status.finished": {"pt": "Concluído", "en": "Finished"},
    "train.status.diverged": {"pt": "Divergiu", "en": "Diverged"},
    "train.status.failed": {"pt": "Falhou", "en": "Failed"},
    "train.status.interrupted": {"pt": "Interrompido", "en": "Interrupted"},
    "train.status.cancelled": {"pt": "Cancelado", "en": "Cancelled"},
    # What the engine is doing (Snapshot.message_key while running).
    "train.msg.loading_data": {
        "pt": "Carregando o conjunto de dados…",
        "en": "Loading the dataset…",
    },
    "train.msg.building": {
        "pt": "Montando o modelo e preparando o TensorFlow…",
        "en": "Building the model and warming up TensorFlow…",
    },
    "train.msg.whitening": {
        "pt": "Calculando os filtros da primeira camada a partir das imagens (branqueamento)…",
        "en": "Computing the first layer's filters from the images (whitening)…",
    },
    "train.msg.training": {
        "pt": "Época {epoch} de {epochs}",
        "en": "Epoch {epoch} of {epochs}",
    },
    "train.msg.validating": {
        "pt": "Medindo a acurácia na validação…",
        "en": "Measuring validation accuracy…",
    },
    "train.msg.evaluating": {
        "pt": "Avaliando no conjunto de teste…",
        "en": "Evaluating on the test set…",
    },
    "train.msg.finished": {
        "pt": "Treino concluído: {epochs} épocas.",
        "en": "Training finished: {epochs} epochs.",
    },
    "train.msg.time_up": {
        "pt": "Tempo esgotado depois de {seconds} s; o modelo guarda o que aprendeu até aqui.",
        "en": "Time is up after {seconds} s; the model keeps what it learned so far.",
    },
    "train.msg.stopped": {
        "pt": "Você parou o treino na época {epoch}; os pesos aprendidos até aqui foram guardados.",
        "en": "You stopped training in epoch {epoch}; the weights learned so far were kept.",
    },
    "train.msg.process_lost_early": {
        "pt": "O processo que treinava esta rede parou de repente, antes de completar a primeira "
        "época: não havia pesos para guardar.",
        "en": "The process training this network stopped unexpectedly before its first complete "
        "epoch: there were no weights to keep.",
    },
    "train.msg.process_lost": {
        "pt": "O processo que treinava esta rede parou de repente. Os pesos da última época "
        "completa ({epoch}) foram guardados: você pode continuar o treino a partir deles.",
        "en": "The process training this network stopped unexpectedly. The weights of the last "
        "complete epoch ({epoch}) are kept: you can continue training from them.",
    },
    "train.msg.run_cap": {
        "pt": "O treino chegou ao limite de tempo deste servidor para um treino, na época {epoch}; os pesos aprendidos até aqui foram guardados.",
        "en": "Training reached this server's time limit for one run, in epoch {epoch}; the weights learned so far were kept.",
    },
    "train.msg.diverged": {
        "pt": "A perda virou infinita ou NaN na época {epoch}, lote {batch}: o treino divergiu e parou.",
        "en": "The loss became infinite or NaN in epoch {epoch}, batch {batch}: training diverged and stopped.",
    },
    # Advice after a divergence (Snapshot.advice lists these keys).
    "train.advice.lower_lr": {
        "pt": "Diminua a taxa de aprendizado (por exemplo, divida por 10).",
        "en": "Lower the learning rate (for example, divide it by 10).",
    },
    "train.advice.batchnorm": {
        "pt": "Acrescente BatchNormalization depois das convoluções: ela mantém os valores em uma escala estável.",
        "en": "Add BatchNormalization after the convolutions: it keeps the values on a steady scale.",
    },
    "train.advice.adam": {
        "pt": "Experimente o otimizador Adam, que ajusta o passo de cada peso sozinho.",
        "en": "Try the Adam optimizer, which adapts the step size of each weight by itself.",
    },
    # Errors (message_key of a failed run, or exceptions' message(lang)).
    "train.error.backend": {
        "pt": "O motor de treino configurado não está disponível ({detail}).",
        "en": "The configured training backend is not available ({detail}).",
    },
    "train.error.busy": {
        "pt": "Já há um treino em andamento neste servidor. Espere ele terminar (ou pare-o) e tente de novo.",
        "en": "A training run is already in progress on this server. Wait for it to finish (or stop it) and try again.",
    },
    "train.error.run_not_found": {
        "pt": "Este treino não existe ou não é seu.",
        "en": "This training run does not exist or is not yours.",
    },
    "train.error.no_model": {
        "pt": "Este treino ainda não tem pesos salvos (ele parou antes de terminar a primeira época).",
        "en": "This run has no saved weights yet (it stopped before finishing its first epoch).",
    },
    "train.error.bad_setting": {
        "pt": "Configuração inválida: {name} = {value}.",
        "en": "Invalid setting: {name} = {value}.",
    },
    "train.error.data": {
        "pt": "Não foi possível carregar o conjunto de dados {dataset}.",
        "en": "Could not load the {dataset} dataset.",
    },
    "train.error.spec": {
        "pt": "O modelo tem erros; corrija-os na página Montar a rede.",
        "en": "The model has errors; fix them on the Build page.",
    },
    "train.error.whiten_not_conv": {
        "pt": "O branqueamento calcula os filtros da primeira camada a partir das imagens, então "
        "a rede precisa começar com uma Conv2D. Coloque uma Conv2D no topo ou desligue "
        "o branqueamento.",
        "en": "Whitening computes the first layer's filters from the images, so the network must "
        "start with a Conv2D. Put a Conv2D first or turn whitening off.",
    },
    "train.error.whiten_filters": {
        "pt": "O branqueamento preenche no máximo {most} filtros {kernel} (cada direção dos "
        "recortes de imagem e a oposta), e a primeira Conv2D tem {filters}. Use até {most} "
        "filtros ou desligue o branqueamento.",
        "en": "Whitening fills at most {most} {kernel} filters (each direction of the image "
        "patches and its opposite), and the first Conv2D has {filters}. Use at most {most} "
        "filters or turn whitening off.",
    },
    "train.error.low_res": {
        "pt": "Esta rede não funciona com imagens de {size} com os mesmos pesos (um Flatten, por "
        "exemplo, muda o tamanho da camada Dense seguinte). Use pooling global em vez de Flatten "
        'ou ponha 0 em "início em meia resolução".',
        "en": "This network can't use {size} images with the same weights (a Flatten, for "
        "instance, changes the size of the Dense layer after it). Use global pooling instead of "
        'Flatten, or set "half-size start" to 0.',
    },
    "train.error.shape": {
        "pt": "O modelo espera imagens {expected}, mas o conjunto de dados tem {actual}.",
        "en": "The model expects {expected} images but the dataset has {actual}.",
    },
    "train.error.memory": {
        "pt": "Faltou memória. Tente um lote menor ou um modelo com menos filtros.",
        "en": "Out of memory. Try a smaller batch or a model with fewer filters.",
    },
    "train.error.unexpected": {
        "pt": "O treino falhou por um erro inesperado ({kind}). Tente de novo; se repetir, simplifique o modelo.",
        "en": "Training failed with an unexpected error ({kind}). Try again; if it happens again, simplify the model.",
    },
}
