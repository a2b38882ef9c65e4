"""Strings of cnn_core.admission: why this host will not start a run, and what to change."""

STRINGS = {
    # ---- Units -------------------------------------------------------------------------------
    "admission.unit.s": {"pt": "{n} s", "en": "{n} s"},
    "admission.unit.min": {"pt": "{n} min", "en": "{n} min"},
    "admission.unit.h": {"pt": "{n} h", "en": "{n} h"},
    "admission.unit.days": {"pt": "{n} dias", "en": "{n} days"},
    # ---- Dataset -----------------------------------------------------------------------------
    "admission.error.dataset": {
        "pt": "O conjunto de dados '{dataset_name}' não existe aqui.",
        "en": "There is no dataset called '{dataset_name}' here.",
    },
    "admission.fix.dataset": {
        "pt": "Use cifar10, mnist ou fashion_mnist.",
        "en": "Use cifar10, mnist or fashion_mnist.",
    },
    "admission.error.input_shape": {
        "pt": "A rede espera imagens {shape}, mas as imagens do {dataset} são {expected}.",
        "en": "The network expects {shape} images, but {dataset} images are {expected}.",
    },
    "admission.fix.input_shape": {
        "pt": "Mude a entrada da rede para {expected} ou escolha outro conjunto de dados.",
        "en": "Change the network's input to {expected} or choose another dataset.",
    },
    "admission.error.num_classes": {
        "pt": "A rede classifica em {classes} classes, mas o {dataset} tem {expected}.",
        "en": "The network sorts into {classes} classes, but {dataset} has {expected}.",
    },
    "admission.fix.num_classes": {
        "pt": "Use {expected} classes (e uma última camada Dense com {expected} unidades).",
        "en": "Use {expected} classes (and a last Dense layer with {expected} units).",
    },
    # ---- Memory ------------------------------------------------------------------------------
    "admission.error.memory_batch": {
        "pt": "Treinar em lotes de {batch} imagens precisaria de cerca de {need_mb} MB de memória; este servidor permite {limit_mb} MB por treino ({times} vezes demais). A maior parte vai nas saídas de {layer}.",
        "en": "Training on batches of {batch} images would need about {need_mb} MB of memory; this server allows {limit_mb} MB per run ({times} times too much). Most of it goes to the outputs of {layer}.",
    },
    "admission.fix.memory_batch": {
        "pt": "Use lotes de no máximo {fit_batch} imagens, ou menos filtros ou um pooling mais cedo.",
        "en": "Use batches of at most {fit_batch} images, or fewer filters, or pool earlier.",
    },
    "admission.error.memory": {
        "pt": "Esta rede precisaria de cerca de {need_mb} MB de memória (lotes de {batch} imagens e a avaliação no conjunto de teste); este servidor permite {limit_mb} MB por treino ({times} vezes demais). A maior parte vai nas saídas de {layer}.",
        "en": "This network would need about {need_mb} MB of memory (batches of {batch} images and the test-set pass); this server allows {limit_mb} MB per run ({times} times too much). Most of it goes to the outputs of {layer}.",
    },
    "admission.fix.memory": {
        "pt": "Use menos filtros, menos unidades ou um pooling mais cedo para as imagens encolherem antes.",
        "en": "Use fewer filters or units, or pool earlier so the images shrink sooner.",
    },
    # ---- Compute -----------------------------------------------------------------------------
    "admission.error.compute": {
        "pt": "Treinar com {least} imagens (o mínimo que vale a pena) e fazer um teste curto levaria cerca de {need_s} neste servidor; cada treino pode usar no máximo {limit_s} ({times} vezes demais). A rede faz {mmacs} milhões de multiplicações por imagem.",
        "en": "Training on {least} images (the least worth doing) and a short test would take about {need_s} on this server; each run may use at most {limit_s} ({times} times too long). The network does {mmacs} million multiplications per image.",
    },
    "admission.fix.compute": {
        "pt": "Use menos filtros ou camadas, um pooling mais cedo, ou treine com no máximo {fit_images} imagens.",
        "en": "Use fewer filters or layers, pool earlier, or train on at most {fit_images} images.",
    },
    "admission.error.compute_network": {
        "pt": "Treinar com {least} imagens (o mínimo que vale a pena) e fazer um teste curto levaria cerca de {need_s} neste servidor; cada treino pode usar no máximo {limit_s} ({times} vezes demais). A rede faz {mmacs} milhões de multiplicações por imagem.",
        "en": "Training on {least} images (the least worth doing) and a short test would take about {need_s} on this server; each run may use at most {limit_s} ({times} times too long). The network does {mmacs} million multiplications per image.",
    },
    "admission.fix.compute_network": {
        "pt": "Use menos filtros ou camadas, ou um pooling mais cedo: mesmo com poucas imagens, esta rede não cabe no tempo.",
        "en": "Use fewer filters or layers, or pool earlier: even with few images this network does not fit in the time.",
    },
    "admission.error.measure_time": {
        "pt": "Medir a velocidade desta rede levaria cerca de {need_s}; a medição pode levar no máximo {limit_s} ({times} vezes demais).",
        "en": "Measuring this network's speed would take about {need_s}; the measurement may take at most {limit_s} ({times} times too long).",
    },
    "admission.fix.measure_time": {
        "pt": "Use menos filtros ou camadas, ou um pooling mais cedo, e meça de novo.",
        "en": "Use fewer filters or layers, or pool earlier, and measure again.",
    },
    "admission.error.extra_epochs": {
        "pt": "O número de épocas a mais ({value}) não serve.",
        "en": "The number of extra epochs ({value}) does not work.",
    },
    "admission.fix.extra_epochs": {
        "pt": "Peça pelo menos 1 época a mais.",
        "en": "Ask for at least 1 more epoch.",
    },
}
