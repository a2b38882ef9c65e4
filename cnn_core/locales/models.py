"""Readable names of the shipped models in models/ (see models/README.md)."""

STRINGS = {
    "models.blog_original_cifar10.title": {
        "pt": "Modelo do post, receita do post (SGD, 40 épocas)",
        "en": "The blog's model, the blog's recipe (SGD, 40 epochs)",
    },
    "models.blog_better_cifar10.title": {
        "pt": "Modelo do post, receita melhor (AdamW, aumento de dados)",
        "en": "The blog's model, a better recipe (AdamW, augmentation)",
    },
    "models.fast_cifar10.title": {
        "pt": "Rede rápida (estilo airbench, com BatchNorm)",
        "en": "Fast network (airbench-style, with BatchNorm)",
    },
    "models.lenet_mnist.title": {"pt": "LeNet-5 para dígitos", "en": "LeNet-5 for digits"},
    "models.lenet_fashion_mnist.title": {"pt": "LeNet-5 para roupas", "en": "LeNet-5 for clothes"},
}
