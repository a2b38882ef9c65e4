"""Strings of the Evaluate page (keys ``evalp.``): test score, per-class accuracy, confusion."""

STRINGS = {
    "evalp.title": {"pt": "Avaliar a rede", "en": "Evaluate the network"},
    "evalp.intro": {
        "pt": "Uma rede treinada encara agora o **conjunto de teste**: imagens que ela nunca viu, nem no treino nem na validação. Veja a nota geral, em que classes ela vai bem, o que ela confunde com o quê e os erros dos quais ela tinha mais certeza.",
        "en": "A trained network now faces the **test set**: images it has never seen, neither in training nor in validation. See its overall score, which classes it handles well, what it confuses with what, and the mistakes it was most sure about.",
    },
    "evalp.nothing": {
        "pt": "Ainda não há modelo para avaliar: treine uma rede primeiro (a demonstração rápida leva meio minuto).",
        "en": "There is no model to evaluate yet: train a network first (the quick demo takes half a minute).",
    },
    "evalp.to_train": {"pt": "Ir para Treinar", "en": "Go to Train"},
    "evalp.pick": {"pt": "Modelo", "en": "Model"},
    "evalp.choice.run": {
        "pt": "Seu treino {label} · {epochs}",
        "en": "Your run {label} · {epochs}",
    },
    "evalp.choice.pretrained": {
        "pt": "Pré-treinado: {name} · {dataset}",
        "en": "Pretrained: {name} · {dataset}",
    },
    "evalp.loading_model": {"pt": "Carregando o modelo…", "en": "Loading the model…"},
    "evalp.progress": {
        "pt": "Classificando as imagens de teste: {done} de {total} · falta {left}",
        "en": "Classifying the test images: {done} of {total} · {left} left",
    },
    "evalp.score.title": {"pt": "Nota no teste", "en": "Test score"},
    "evalp.this_model": {
        "pt": "**Este modelo**, nas {n} imagens de teste:",
        "en": "**This model**, on the {n} test images:",
    },
    "evalp.blog_model": {
        "pt": "**A rede do artigo**, depois de 40 épocas:",
        "en": "**The blog's network**, after 40 epochs:",
    },
    "evalp.vs_blog.better": {
        "pt": "{points} pontos percentuais acima do artigo.",
        "en": "{points} percentage points above the blog.",
    },
    "evalp.vs_blog.worse": {
        "pt": "{points} pontos percentuais abaixo do artigo.",
        "en": "{points} percentage points below the blog.",
    },
    "evalp.sample_only": {
        "pt": "O conjunto de teste completo não está disponível neste servidor, então estes números vêm da amostra que acompanha o app ({n} imagens). Com tão poucas imagens eles variam mais que os do artigo, medidos em 10.000.",
        "en": "The full test set is not available on this server, so these numbers come from the sample bundled with the app ({n} images). With so few images they vary more than the blog's, measured on 10,000.",
    },
    "evalp.stored": {
        "pt": "Números guardados com o modelo: acurácia {acc}, perda {loss}.",
        "en": "Numbers stored with the model: accuracy {acc}, loss {loss}.",
    },
    "evalp.stored_training": {
        "pt": "Treinado por {epochs} épocas em {time} de treino, antes de o app ser publicado.",
        "en": "Trained for {epochs} epochs in {time} of training, before the app was published.",
    },
    "evalp.per_class.header": {"pt": "Acurácia por classe", "en": "Accuracy per class"},
    "evalp.per_class.title": {
        "pt": "Quantas imagens de cada classe a rede acertou",
        "en": "How many images of each class the network got right",
    },
    "evalp.overall": {"pt": "média geral", "en": "overall"},
    "evalp.per_class.caption": {
        "pt": "Melhor classe: {best} ({best_acc}); a mais difícil: {worst} ({worst_acc}). A linha tracejada é a acurácia geral.",
        "en": "Best class: {best} ({best_acc}); hardest: {worst} ({worst_acc}). The dashed line is the overall accuracy.",
    },
    "evalp.confusion.header": {"pt": "Matriz de confusão", "en": "Confusion matrix"},
    "evalp.confusion.help": {
        "pt": "Cada linha é a classe verdadeira e cada coluna, o palpite da rede; a diagonal são os acertos. **Clique em uma célula** (ou escolha as classes abaixo) para ver as imagens por trás dela.",
        "en": "Each row is the true class and each column the network's guess; the diagonal holds the hits. **Click a cell** (or pick the classes below) to see the images behind it.",
    },
    "evalp.confusion.title": {
        "pt": "Classe verdadeira × palpite da rede (contagens)",
        "en": "True class × the network's guess (counts)",
    },
    "evalp.confusion.true": {"pt": "classe verdadeira", "en": "true class"},
    "evalp.confusion.pred": {"pt": "palpite da rede", "en": "network's guess"},
    "evalp.confusion.count": {"pt": "imagens", "en": "images"},
    "evalp.confusion.hover": {
        "pt": "verdadeira: %{customdata[0]}<br>palpite: %{customdata[1]}<br>imagens: %{customdata[2]}",
        "en": "true: %{customdata[0]}<br>guess: %{customdata[1]}<br>images: %{customdata[2]}",
    },
    "evalp.confusion.caption": {
        "pt": "A confusão mais comum: {count} imagens de {true} classificadas como {pred}.",
        "en": "The most common confusion: {count} images of {true} classified as {pred}.",
    },
    "evalp.cell.true": {"pt": "Classe verdadeira", "en": "True class"},
    "evalp.cell.pred": {"pt": "Palpite da rede", "en": "Network's guess"},
    "evalp.cell.count": {
        "pt": "{n} imagens de **{true}** que a rede chamou de **{pred}** (as mais convictas primeiro; o número é a probabilidade que ela deu):",
        "en": "{n} images of **{true}** the network called **{pred}** (most confident first; the number is the probability it gave):",
    },
    "evalp.mistakes.title": {"pt": "Os erros mais convictos", "en": "The most confident mistakes"},
    "evalp.mistakes.help": {
        "pt": "Imagens em que a rede errou tendo muita certeza. Muitas vezes dá para entender o erro: fundo, cor ou pose parecidos com os da outra classe.",
        "en": "Images the network got wrong while being very sure. Often the mistake makes sense: background, colour or pose like the other class's.",
    },
    "evalp.mistakes.caption": {
        "pt": "{true} → {pred} ({prob})",
        "en": "{true} → {pred} ({prob})",
    },
    "evalp.downloads": {"pt": "Baixar", "en": "Download"},
    "evalp.download.model": {"pt": "Modelo (.keras)", "en": "Model (.keras)"},
    "evalp.download.metrics": {"pt": "Métricas (CSV)", "en": "Metrics (CSV)"},
    "evalp.download.design": {"pt": "Projeto da rede (JSON)", "en": "Network design (JSON)"},
    "evalp.csv.class": {"pt": "classe", "en": "class"},
    "evalp.csv.all": {"pt": "todas", "en": "all"},
    "evalp.csv.accuracy": {"pt": "acuracia", "en": "accuracy"},
    "evalp.csv.correct": {"pt": "acertos", "en": "correct"},
    "evalp.csv.images": {"pt": "imagens", "en": "images"},
    "evalp.csv.loss": {"pt": "perda", "en": "loss"},
}
