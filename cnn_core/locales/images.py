"""Strings of cnn_core.images: why an uploaded file cannot be used as a picture."""

STRINGS = {
    "images.error.empty": {
        "pt": "O arquivo está vazio. Escolha uma foto.",
        "en": "The file is empty. Please choose a photo.",
    },
    "images.error.too_large": {
        "pt": "O arquivo tem {size_mb} MB; o limite é {limit_mb} MB. Reduza a foto ou envie outra.",
        "en": "The file is {size_mb} MB; the limit is {limit_mb} MB. Shrink the photo or pick another one.",
    },
    "images.error.too_many_pixels": {
        "pt": "A imagem declara pixels demais (mais de {limit} milhões). Arquivos assim podem travar o servidor, então não abrimos.",
        "en": "The picture claims too many pixels (more than {limit} million). Files like that can freeze the server, so we don't open them.",
    },
    "images.error.unsupported_format": {
        "pt": "Arquivos {format} não são aceitos aqui. Salve a foto como JPEG ou PNG e envie de novo.",
        "en": "{format} files are not accepted here. Save the photo as JPEG or PNG and upload it again.",
    },
    "images.error.not_an_image": {
        "pt": "Isso não parece ser uma imagem. Formatos aceitos: JPEG, PNG, WebP, GIF e BMP.",
        "en": "This does not look like a picture. Accepted formats: JPEG, PNG, WebP, GIF and BMP.",
    },
    "images.error.corrupt": {
        "pt": "Não deu para ler a imagem: o arquivo parece danificado ou incompleto.",
        "en": "The picture could not be read: the file seems damaged or incomplete.",
    },
    "images.too_many_files": {
        "pt": "Você escolheu {count} arquivos; esta página analisa até {limit} de cada vez. Usamos os {limit} primeiros.",
        "en": "You chose {count} files; this page looks at up to {limit} at a time. We used the first {limit}.",
    },
}
