"""Strings of the datasets (class names, loading, errors) and of the Data page."""

_CIFAR10 = [
    ("avião", "airplane"),
    ("automóvel", "automobile"),
    ("pássaro", "bird"),
    ("gato", "cat"),
    ("cervo", "deer"),
    ("cachorro", "dog"),
    ("sapo", "frog"),
    ("cavalo", "horse"),
    ("navio", "ship"),
    ("caminhão", "truck"),
]
_FASHION = [
    ("camiseta/top", "T-shirt/top"),
    ("calça", "trouser"),
    ("pulôver", "pullover"),
    ("vestido", "dress"),
    ("casaco", "coat"),
    ("sandália", "sandal"),
    ("camisa", "shirt"),
    ("tênis", "sneaker"),
    ("bolsa", "bag"),
    ("bota", "ankle boot"),
]

STRINGS = {
    **{f"data.class.cifar10.{i}": {"pt": pt, "en": en} for i, (pt, en) in enumerate(_CIFAR10)},
    **{
        f"data.class.fashion_mnist.{i}": {"pt": pt, "en": en} for i, (pt, en) in enumerate(_FASHION)
    },
    **{f"data.class.mnist.{i}": {"pt": str(i), "en": str(i)} for i in range(10)},
    # Dataset names
    "data.dataset.cifar10": {"pt": "CIFAR-10", "en": "CIFAR-10"},
    "data.dataset.mnist": {"pt": "MNIST (dígitos)", "en": "MNIST (digits)"},
    "data.dataset.fashion_mnist": {
        "pt": "Fashion-MNIST (roupas)",
        "en": "Fashion-MNIST (clothing)",
    },
    # Loading progress (cnn_core.data.LoadProgress.message)
    "data.progress.folder": {
        "pt": "{name} encontrado na pasta de dados ({mb} MB).",
        "en": "Found {name} in the data folder ({mb} MB).",
    },
    "data.progress.loading": {
        "pt": "Lendo {name} da pasta de dados ({mb} MB)…",
        "en": "Reading {name} from the data folder ({mb} MB)…",
    },
    "data.progress.keras_cache": {
        "pt": "Lendo {name} do cache do Keras…",
        "en": "Reading {name} from Keras's cache…",
    },
    "data.progress.keras": {
        "pt": "{name} já está na memória (veio do Keras).",
        "en": "{name} is already in memory (from Keras).",
    },
    "data.progress.downloading": {
        "pt": "Baixando {name} (~{mb} MB, só na primeira vez)…",
        "en": "Downloading {name} (~{mb} MB, first time only)…",
    },
    "data.progress.done": {"pt": "{name} pronto.", "en": "{name} is ready."},
    # DataUnavailableError.message
    "data.error.folder_set": {
        "pt": "a pasta {folder} não tem o arquivo {file}",
        "en": "the folder {folder} has no {file}",
    },
    "data.error.folder_unset": {
        "pt": "a variável de ambiente {env} não está definida",
        "en": "the environment variable {env} is not set",
    },
    "data.error.unavailable": {
        "pt": "Não consegui carregar o {name}: {where}, e o download pelo Keras falhou (sem internet?). Para resolver, defina {env} com o caminho de uma pasta que tenha o {file}, ou conecte-se à internet e tente de novo. Enquanto isso, a amostra que vem com o app (100 imagens de teste por classe) continua funcionando.",
        "en": "Could not load {name}: {where}, and the download through Keras failed (no internet?). To fix it, set {env} to a folder that holds {file}, or connect to the internet and try again. Meanwhile, the sample bundled with the app (100 test images per class) still works.",
    },
    "data.progress.starting": {"pt": "Preparando os dados…", "en": "Getting the data ready…"},
    "data.time_left_s": {"pt": "(faltam ~{seconds} s)", "en": "(~{seconds} s left)"},
    "data.time_left_min": {"pt": "(faltam ~{minutes} min)", "en": "(~{minutes} min left)"},
    # The Data page
    "data.title": {
        "pt": "Os dados: o que a rede vai ver",
        "en": "The data: what the network will see",
    },
    "data.intro": {
        "pt": "Antes de treinar, vale olhar os dados. Uma rede só aprende o que está nas imagens de treino, então aqui você vê as fotos de verdade, quantas há de cada classe, como elas se dividem entre treino, validação e teste, e a média e o desvio-padrão dos pixels.",
        "en": "Before training, it pays to look at the data. A network only learns what is in its training images, so here you can see the actual pictures, how many there are of each class, how they are split into training, validation and test, and the mean and standard deviation of their pixels.",
    },
    "data.choose": {"pt": "Conjunto de dados", "en": "Dataset"},
    "data.val_size": {"pt": "Imagens de validação", "en": "Validation images"},
    "data.val_size_help": {
        "pt": "Quantas das PRIMEIRAS imagens de treino ficam separadas para validação (como no post original: 5.000). A rede não treina com elas; servem para acompanhar se ela generaliza. Pode ser 0.",
        "en": "How many of the FIRST training images are held out for validation (as in the original blog post: 5,000). The network does not train on them; they show whether it generalizes. 0 is allowed.",
    },
    "data.about.cifar10": {
        "pt": "CIFAR-10: 60.000 fotos coloridas de 32×32 pixels em 10 classes (50.000 de treino e 10.000 de teste). É o conjunto usado no post.",
        "en": "CIFAR-10: 60,000 colour photos of 32×32 pixels in 10 classes (50,000 for training, 10,000 for testing). It is the dataset the blog post uses.",
    },
    "data.about.mnist": {
        "pt": "MNIST: 70.000 dígitos escritos à mão, em tons de cinza, de 28×28 pixels (60.000 de treino e 10.000 de teste). Bem mais fácil que o CIFAR-10.",
        "en": "MNIST: 70,000 handwritten digits, grayscale, 28×28 pixels (60,000 for training, 10,000 for testing). Much easier than CIFAR-10.",
    },
    "data.about.fashion_mnist": {
        "pt": "Fashion-MNIST: 70.000 fotos de roupas e calçados em tons de cinza, de 28×28 pixels, no mesmo formato do MNIST, mas mais difícil.",
        "en": "Fashion-MNIST: 70,000 grayscale photos of clothes and shoes, 28×28 pixels, in the same format as MNIST but harder.",
    },
    "data.sample_only": {
        "pt": "Só a amostra está disponível: o {name} completo não foi encontrado neste computador. Abaixo estão as imagens de teste que vêm com o app (as 100 primeiras de cada classe). Para ter o conjunto inteiro, defina CNN_STUDIO_DATA com uma pasta que tenha os arquivos .npz, ou baixe-o pelo Keras (precisa de internet).",
        "en": "Only the sample is available: the full {name} was not found on this computer. Below are the test images bundled with the app (the first 100 of each class). To get the whole dataset, set CNN_STUDIO_DATA to a folder holding the .npz files, or download it through Keras (needs internet).",
    },
    "data.download": {
        "pt": "Baixar o conjunto completo (~{mb} MB)",
        "en": "Download the full dataset (~{mb} MB)",
    },
    "data.splits_title": {"pt": "Treino, validação e teste", "en": "Training, validation and test"},
    "data.split.train": {"pt": "Treino", "en": "Training"},
    "data.split.val": {"pt": "Validação", "en": "Validation"},
    "data.split.test": {"pt": "Teste", "en": "Test"},
    "data.split.all_train": {
        "pt": "Treino + validação (original)",
        "en": "Training + validation (original)",
    },
    "data.sample_label": {"pt": "Amostra (teste)", "en": "Sample (test)"},
    "data.splits_caption": {
        "pt": "A validação são as primeiras {val} imagens do conjunto de treino original ({total}); a rede treina com as {train} restantes. O teste fica guardado para a avaliação final.",
        "en": "Validation is the first {val} images of the original training set ({total}); the network trains on the remaining {train}. The test set is kept for the final evaluation.",
    },
    "data.grid_title": {"pt": "Veja as imagens", "en": "Look at the pictures"},
    "data.split_label": {"pt": "Parte", "en": "Split"},
    "data.class_filter": {"pt": "Classe", "en": "Class"},
    "data.all_classes": {"pt": "Todas as classes", "en": "All classes"},
    "data.seed": {"pt": "Semente", "en": "Seed"},
    "data.another_batch": {"pt": "Mostrar outras", "en": "Show another batch"},
    "data.image_caption": {"pt": "{label} · nº {index}", "en": "{label} · #{index}"},
    "data.grid_caption": {
        "pt": "{shown} de {total} imagens, sorteadas com a semente acima (o número é a posição da imagem no arquivo original).",
        "en": "{shown} of {total} images, drawn with the seed above (the number is the image's position in the original file).",
    },
    "data.no_images": {"pt": "Nenhuma imagem nesta parte.", "en": "No images in this split."},
    "data.counts_title": {
        "pt": "Quantas imagens de cada classe",
        "en": "How many images of each class",
    },
    "data.counts_axis": {"pt": "Imagens", "en": "Images"},
    "data.counts_caption": {
        "pt": "Em {split}, cada classe tem entre {low} e {high} imagens (menos: {rare}; mais: {common}): as classes estão praticamente equilibradas.",
        "en": "In {split}, each class has between {low} and {high} images (fewest: {rare}; most: {common}): the classes are practically balanced.",
    },
    "data.counts_caption_equal": {
        "pt": "Em {split}, todas as classes têm exatamente {n} imagens: equilíbrio perfeito.",
        "en": "In {split}, every class has exactly {n} images: perfectly balanced.",
    },
    "data.stats_title": {
        "pt": "Média e desvio-padrão por canal",
        "en": "Mean and standard deviation per channel",
    },
    "data.stats_intro": {
        "pt": "Cada pixel vai de 0 a 255; dividindo por 255, fica entre 0 e 1. Nessa escala, estes são a média e o desvio-padrão de cada canal de cor. Muitos modelos subtraem a média e dividem pelo desvio-padrão antes da primeira camada; o modelo do post só divide por 255.",
        "en": "Each pixel goes from 0 to 255; dividing by 255 puts it between 0 and 1. On that scale, these are the mean and standard deviation of each colour channel. Many models subtract the mean and divide by the standard deviation before the first layer; the blog's model only divides by 255.",
    },
    "data.stats_computing": {
        "pt": "Contando os pixels de cada parte…",
        "en": "Counting the pixels of each split…",
    },
    "data.gray": {"pt": "cinza", "en": "gray"},
    "data.stats_split": {"pt": "Parte", "en": "Split"},
    "data.stats_images": {"pt": "Imagens", "en": "Images"},
    "data.stats_mean": {"pt": "média {channel}", "en": "mean {channel}"},
    "data.stats_std": {"pt": "desvio {channel}", "en": "std {channel}"},
    "data.stats_caption": {
        "pt": "Na primeira linha: média {mean} e desvio-padrão {std} (escala de 0 a 1), calculados sobre todos os pixels.",
        "en": "First row: mean {mean} and standard deviation {std} (on the 0 to 1 scale), computed over every pixel.",
    },
}
