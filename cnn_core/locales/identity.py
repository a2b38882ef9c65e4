"""Strings of the visitor's private identity (resume codes) and of the run store (crashes, disk)."""

STRINGS = {
    # The run store (cnn_core.runs).
    "runs.error.disk_full": {
        "pt": "O disco do servidor está quase cheio ({free_mb} MB livres; esta gravação precisa de {needed_mb} MB). Nada foi perdido do que já estava salvo. Apague execuções antigas ou peça a quem cuida do servidor para liberar espaço.",
        "en": "The server's disk is nearly full ({free_mb} MB free; this save needs {needed_mb} MB). Nothing already saved was lost. Delete old runs or ask whoever runs the server to free some space.",
    },
    "runs.msg.interrupted": {
        "pt": "O processo que treinava esta execução parou (o servidor reiniciou) depois de {epochs} épocas completas; os pesos dessas épocas foram mantidos.",
        "en": "The process training this run stopped (the server restarted) after {epochs} full epochs; the weights of those epochs were kept.",
    },
    "runs.msg.interrupted_early": {
        "pt": "O processo que treinava esta execução parou (o servidor reiniciou) antes de completar a primeira época: não havia pesos para guardar.",
        "en": "The process training this run stopped (the server restarted) before its first full epoch: there were no weights to keep.",
    },
    "runs.msg.interrupted_waiting": {
        "pt": "O servidor reiniciou enquanto esta execução esperava na fila: ela não chegou a começar.",
        "en": "The server restarted while this run was waiting in line: it never began.",
    },
    # The sidebar expander: moving one's runs to another device on purpose.
    "identity.resume.title": {
        "pt": "Suas execuções em outro aparelho",
        "en": "Your runs on another device",
    },
    "identity.resume.intro": {
        "pt": "Este navegador guarda um identificador secreto seu (num cookie, nunca no endereço da página): copiar o endereço ou o link de compartilhamento não entrega suas execuções a ninguém. Para vê-las em outro aparelho, gere um código aqui e digite-o lá.",
        "en": "This browser keeps a private id of yours (in a cookie, never in the page address): copying the address or the share link hands your runs to nobody. To see them on another device, make a code here and type it there.",
    },
    "identity.resume.make": {"pt": "Gerar um código", "en": "Make a code"},
    "identity.resume.code": {
        "pt": "Seu código (vale uma vez, por {minutes} minutos):",
        "en": "Your code (works once, for {minutes} minutes):",
    },
    "identity.resume.code_help": {
        "pt": "Quem tiver este código passa a ver e controlar suas execuções: não o mostre a outras pessoas.",
        "en": "Whoever has this code can see and control your runs: do not show it to other people.",
    },
    "identity.resume.enter": {
        "pt": "Tem um código de outro aparelho?",
        "en": "Have a code from another device?",
    },
    "identity.resume.placeholder": {"pt": "XXXX-XXXX-XXXX", "en": "XXXX-XXXX-XXXX"},
    "identity.resume.use": {"pt": "Usar o código", "en": "Use the code"},
    "identity.resume.adopted": {
        "pt": "Pronto: este navegador agora mostra as execuções do aparelho que gerou o código.",
        "en": "Done: this browser now shows the runs of the device that made the code.",
    },
    "identity.resume.bad": {
        "pt": "Este código não vale: está errado, já foi usado ou passou do prazo. Gere outro no aparelho de origem.",
        "en": "This code does not work: it is wrong, already used or expired. Make a new one on the other device.",
    },
    "identity.resume.too_many": {
        "pt": "Tentativas demais nesta aba. Recarregue a página e gere um código novo no outro aparelho.",
        "en": "Too many tries in this tab. Reload the page and make a new code on the other device.",
    },
    "identity.old_link": {
        "pt": "Este endereço trazia um identificador de visitante de uma versão antiga. Ele foi removido e não foi usado; para levar suas execuções a outro aparelho, use “Suas execuções em outro aparelho” na barra lateral.",
        "en": "This address carried a visitor id from an older version. It was removed and not used; to take your runs to another device, use “Your runs on another device” in the sidebar.",
    },
}
