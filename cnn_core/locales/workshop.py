"""Strings of workshop mode: lessons, the student's path, the class board and the challenge."""

STRINGS = {
    # -- errors (cnn_core.workshop.WorkshopError.key) ------------------------------------------
    "workshop.error.unknown_lesson": {
        "pt": "Não encontramos essa aula. Confira o código com quem está ensinando (são 7 letras e números).",
        "en": "We could not find that lesson. Check the code with your instructor (7 letters and digits).",
    },
    "workshop.error.lesson_expired": {
        "pt": "Esta aula já terminou: o link expirou. Peça um novo link a quem está ensinando.",
        "en": "This lesson has ended: its link has expired. Ask your instructor for a new link.",
    },
    "workshop.error.wrong_key": {
        "pt": "Este link de instrutor não vale para esta aula. Use o link de instrutor completo que apareceu ao salvar a aula.",
        "en": "This instructor link is not valid for this lesson. Use the full instructor link shown when the lesson was saved.",
    },
    "workshop.error.nickname_empty": {
        "pt": "Escolha um apelido (pode ser qualquer coisa, não precisa ser o seu nome).",
        "en": "Pick a nickname (anything you like; it need not be your name).",
    },
    "workshop.error.nickname_too_long": {
        "pt": "Esse apelido é longo demais: use no máximo {max} caracteres.",
        "en": "That nickname is too long: use at most {max} characters.",
    },
    "workshop.error.nickname_bad_chars": {
        "pt": "O apelido não pode ter quebras de linha nem caracteres de controle.",
        "en": "The nickname cannot contain line breaks or control characters.",
    },
    "workshop.error.nickname_taken": {
        "pt": "Alguém nesta aula já usa esse apelido. Escolha outro.",
        "en": "Someone in this lesson already uses that nickname. Pick another one.",
    },
    "workshop.error.no_identity": {
        "pt": "Não conseguimos identificar esta sessão. Recarregue a página e tente de novo.",
        "en": "We could not identify this session. Reload the page and try again.",
    },
    "workshop.error.title_empty": {
        "pt": "Dê um título à aula.",
        "en": "Give the lesson a title.",
    },
    "workshop.error.no_steps": {
        "pt": "Escolha pelo menos uma página para o roteiro.",
        "en": "Pick at least one page for the path.",
    },
    "workshop.error.too_many_steps": {
        "pt": "O roteiro pode ter no máximo {max} passos.",
        "en": "The path can have at most {max} steps.",
    },
    "workshop.error.bad_page": {
        "pt": "Página desconhecida no roteiro: {page}.",
        "en": "Unknown page in the path: {page}.",
    },
    "workshop.error.bad_language": {
        "pt": "Idioma desconhecido.",
        "en": "Unknown language.",
    },
    "workshop.error.bad_control": {
        "pt": "Controle desconhecido: {name}.",
        "en": "Unknown control: {name}.",
    },
    "workshop.error.bad_budget": {
        "pt": "O tempo de cada treino deve ficar entre {low} e {high} segundos.",
        "en": "The time of each run must be between {low} and {high} seconds.",
    },
    "workshop.error.bad_expiry": {
        "pt": "A data de expiração deve ser no futuro e em no máximo {days} dias.",
        "en": "The expiry date must be in the future and at most {days} days away.",
    },
    "workshop.error.design_invalid": {
        "pt": "A rede inicial da aula não pode ser usada:",
        "en": "The lesson's starting network cannot be used:",
    },
    "workshop.error.bad_challenge": {
        "pt": "As regras do desafio estão fora dos limites (pesos de 1 a 20 milhões, tempo de 1 s a 3 h).",
        "en": "The challenge's rules are out of range (1 to 20 million weights, 1 s to 3 h of training).",
    },
    "workshop.error.bad_lesson": {
        "pt": "Os dados desta aula estão corrompidos.",
        "en": "This lesson's data is corrupted.",
    },
    # -- challenge rules (cnn_core.workshop.Violation.key) --------------------------------------
    "workshop.rule.weights": {
        "pt": "a rede tem {weights} pesos; o desafio permite no máximo {max}",
        "en": "the network has {weights} weights; the challenge allows at most {max}",
    },
    "workshop.rule.seconds": {
        "pt": "o treino pode durar {seconds}; o desafio permite no máximo {max}",
        "en": "the run may train for {seconds}; the challenge allows at most {max}",
    },
    "workshop.rule.no_budget": {
        "pt": "o treino não tem limite de tempo; o desafio pede no máximo {max}",
        "en": "the run has no time limit; the challenge asks for at most {max}",
    },
    "workshop.rule.dataset": {
        "pt": "o treino usa {dataset}; o desafio é em {required}",
        "en": "the run uses {dataset}; the challenge is on {required}",
    },
    "workshop.rule.design": {
        "pt": "a rede tem erros, então não dá para contar os pesos",
        "en": "the network has errors, so its weights cannot be counted",
    },
    # -- navigation -----------------------------------------------------------------------------
    "nav.section.workshop": {"pt": "Oficina", "en": "Workshop"},
    "nav.lesson": {"pt": "Aula (alunos)", "en": "Lesson (students)"},
    "nav.instructor": {"pt": "Preparar uma aula", "en": "Prepare a lesson"},
    "nav.board": {"pt": "Painel da turma", "en": "Class board"},
    "home.path.lesson": {
        "pt": "numa oficina: siga o roteiro de quem está ensinando",
        "en": "in a workshop: follow your instructor's path",
    },
    "home.path.instructor": {
        "pt": "vai ensinar? roteiro, desafio e painel da turma",
        "en": "teaching? a path, a challenge and a class board",
    },
    # -- numbers and rules as text --------------------------------------------------------------
    "workshop.duration.s": {"pt": "{s} s", "en": "{s} s"},
    "workshop.duration.min": {"pt": "{m} min", "en": "{m} min"},
    "workshop.duration.min_s": {"pt": "{m} min {s} s", "en": "{m} min {s} s"},
    "workshop.challenge.line": {
        "pt": "Desafio: a maior acurácia no conjunto de teste, com {rules}. Empate: ganha a rede com menos pesos.",
        "en": "Challenge: the best test-set accuracy, with {rules}. Ties: the network with fewer weights wins.",
    },
    "workshop.challenge.weights": {"pt": "no máximo {n} pesos", "en": "at most {n} weights"},
    "workshop.challenge.seconds": {
        "pt": "no máximo {time} de treino",
        "en": "at most {time} of training",
    },
    "workshop.challenge.dataset": {"pt": "no {name}", "en": "on {name}"},
    "workshop.challenge.no_rules": {"pt": "sem outras regras", "en": "no other rules"},
    "workshop.rule.not_ranked": {
        "pt": "Seu último treino continua valendo para aprender, mas não entra no ranking: {reasons}.",
        "en": "Your last run still counts for learning, but it does not rank: {reasons}.",
    },
    # -- the student's side ---------------------------------------------------------------------
    "workshop.lesson.title": {"pt": "Aula", "en": "Lesson"},
    "workshop.lesson.intro": {
        "pt": "Digite o código da aula que está no quadro ou no projetor (ou abra o link / QR code que você recebeu).",
        "en": "Type the lesson code shown on the board or the projector (or open the link / QR code you were given).",
    },
    "workshop.lesson.code_label": {"pt": "Código da aula", "en": "Lesson code"},
    "workshop.lesson.open": {"pt": "Abrir a aula", "en": "Open the lesson"},
    "workshop.lesson.other": {"pt": "Abrir outra aula", "en": "Open another lesson"},
    "workshop.lesson.for_instructors": {
        "pt": "Vai ensinar? Prepare uma aula",
        "en": "Teaching? Prepare a lesson",
    },
    "workshop.lesson.language_fixed": {
        "pt": "Quem preparou a aula fixou o idioma.",
        "en": "The instructor fixed the language of this lesson.",
    },
    "workshop.lesson.join_title": {"pt": "Escolha um apelido", "en": "Pick a nickname"},
    "workshop.lesson.join_help": {
        "pt": "É assim que você aparece no painel da turma. Não precisa ser o seu nome; até {max} caracteres.",
        "en": "This is how you appear on the class board. It need not be your name; up to {max} characters.",
    },
    "workshop.lesson.nickname": {"pt": "Apelido", "en": "Nickname"},
    "workshop.lesson.join": {"pt": "Entrar na aula", "en": "Join the lesson"},
    "workshop.lesson.rename": {"pt": "Trocar de apelido", "en": "Change nickname"},
    "workshop.lesson.joined_as": {
        "pt": "Você está na aula como **{nickname}**.",
        "en": "You are in this lesson as **{nickname}**.",
    },
    "workshop.lesson.rename_help": {
        "pt": "Quer outro apelido? Digite abaixo; seus treinos continuam seus.",
        "en": "Want another nickname? Type it below; your runs stay yours.",
    },
    "workshop.lesson.path_title": {"pt": "O roteiro ({n} passos)", "en": "The path ({n} steps)"},
    "workshop.lesson.step_label": {"pt": "Passo {n}: {page}", "en": "Step {n}: {page}"},
    "workshop.lesson.you_are_here": {"pt": " (você está aqui)", "en": " (you are here)"},
    "workshop.lesson.leave": {"pt": "Sair da aula", "en": "Leave the lesson"},
    "workshop.step.of": {
        "pt": "{title} · Passo {n} de {total}",
        "en": "{title} · Step {n} of {total}",
    },
    "workshop.step.back": {"pt": "Voltar: {page}", "en": "Back: {page}"},
    "workshop.step.back_none": {"pt": "Este é o primeiro passo", "en": "This is the first step"},
    "workshop.step.next": {"pt": "Próximo: {page}", "en": "Next: {page}"},
    "workshop.step.next_none": {"pt": "Fim do roteiro", "en": "End of the path"},
    "workshop.step.join_first": {
        "pt": "Você abriu uma aula: escolha um apelido para começar",
        "en": "You opened a lesson: pick a nickname to start",
    },
    "workshop.step.back_to_lesson": {
        "pt": "Voltar à aula: {title}",
        "en": "Back to the lesson: {title}",
    },
    # -- the instructor's page ------------------------------------------------------------------
    "workshop.instr.title": {"pt": "Preparar uma aula", "en": "Prepare a lesson"},
    "workshop.instr.intro": {
        "pt": "Monte o roteiro da turma: quais páginas, em que ordem, com um recado em cada passo; a rede inicial; o que os alunos podem mexer; e, se quiser, um desafio. Ao salvar, você recebe um link curto (com QR code) para os alunos e um link separado, secreto, para o painel da turma.",
        "en": "Build the class's path: which pages, in what order, with a note on each step; the starting network; what students may change; and, if you like, a challenge. Saving gives you a short link (with a QR code) for the students and a separate, secret link to the class board.",
    },
    "workshop.instr.lesson_title": {"pt": "Título da aula", "en": "Lesson title"},
    "workshop.instr.pages": {
        "pt": "Páginas do roteiro, na ordem",
        "en": "Pages of the path, in order",
    },
    "workshop.instr.pages_help": {
        "pt": "A ordem em que você escolhe é a ordem dos passos.",
        "en": "The order you pick them in is the order of the steps.",
    },
    "workshop.instr.notes": {"pt": "Recados de cada passo", "en": "A note for each step"},
    "workshop.instr.note": {"pt": "Passo {n}: {page}", "en": "Step {n}: {page}"},
    "workshop.instr.language": {"pt": "Idioma da aula", "en": "Language of the lesson"},
    "workshop.instr.language.free": {
        "pt": "Livre (cada aluno escolhe)",
        "en": "Free (each student picks)",
    },
    "workshop.instr.language.pt": {"pt": "Português (fixo)", "en": "Portuguese (fixed)"},
    "workshop.instr.language.en": {"pt": "Inglês (fixo)", "en": "English (fixed)"},
    "workshop.instr.design_title": {
        "pt": "A rede e o treino",
        "en": "The network and its training",
    },
    "workshop.instr.design": {"pt": "Rede inicial", "en": "Starting network"},
    "workshop.instr.design.blog": {"pt": "O modelo do post", "en": "The blog's model"},
    "workshop.instr.design.lenet": {"pt": "LeNet-5", "en": "LeNet-5"},
    "workshop.instr.design.fast": {"pt": "A rede rápida", "en": "The fast network"},
    "workshop.instr.design.fast_small": {
        "pt": "A rede rápida e pequena (a da demonstração)",
        "en": "The small fast network (the quick demo's)",
    },
    "workshop.instr.design.build": {
        "pt": "A minha rede da página Montar (com o treino dela)",
        "en": "My network from the Build page (with its training)",
    },
    "workshop.instr.design_help": {
        "pt": "Para começar de uma rede sua, monte-a na página Montar a rede e volte aqui.",
        "en": "To start from your own network, build it on the Build page and come back here.",
    },
    "workshop.instr.budget_on": {
        "pt": "Limitar o tempo de cada treino",
        "en": "Limit the time of each run",
    },
    "workshop.instr.budget_s": {"pt": "Segundos por treino", "en": "Seconds per run"},
    "workshop.instr.controls": {
        "pt": "O que os alunos podem mexer (travado: aparece mas não muda; oculto: não aparece)",
        "en": "What students may change (locked: shown but fixed; hidden: not shown)",
    },
    "workshop.control.build.presets": {
        "pt": "Montar: redes prontas",
        "en": "Build: ready-made networks",
    },
    "workshop.control.build.layers": {"pt": "Montar: camadas", "en": "Build: layers"},
    "workshop.control.build.settings": {"pt": "Montar: treino", "en": "Build: training settings"},
    "workshop.control.train.quick_demo": {
        "pt": "Treinar: demonstração rápida",
        "en": "Train: quick demo",
    },
    "workshop.control.train.history": {"pt": "Treinar: histórico", "en": "Train: run history"},
    "workshop.control_state.free": {"pt": "Livre", "en": "Free"},
    "workshop.control_state.locked": {"pt": "Travado", "en": "Locked"},
    "workshop.control_state.hidden": {"pt": "Oculto", "en": "Hidden"},
    "workshop.instr.challenge_title": {"pt": "Desafio (opcional)", "en": "Challenge (optional)"},
    "workshop.instr.challenge_on": {"pt": "Fazer um desafio", "en": "Run a challenge"},
    "workshop.instr.ch_weights": {"pt": "Máximo de pesos", "en": "Most weights"},
    "workshop.instr.ch_seconds": {
        "pt": "Máximo de segundos de treino",
        "en": "Most seconds of training",
    },
    "workshop.instr.ch_dataset": {"pt": "Conjunto de dados", "en": "Dataset"},
    "workshop.instr.challenge_help": {
        "pt": "O ranking usa a acurácia no conjunto de teste (que ninguém usa para ajustar a rede); empate: menos pesos. Um treino fora das regras roda normalmente, mas não entra no ranking, e o aluno vê o motivo.",
        "en": "The ranking uses test-set accuracy (which nobody tunes on); ties: fewer weights. A run outside the rules still trains, but does not rank, and the student is told why.",
    },
    "workshop.instr.expires": {"pt": "A aula vale até", "en": "The lesson is open until"},
    "workshop.instr.save": {"pt": "Salvar a aula", "en": "Save the lesson"},
    "workshop.instr.saved": {
        "pt": "Aula salva. Código: {code}",
        "en": "Lesson saved. Code: {code}",
    },
    "workshop.instr.qr_caption": {
        "pt": "Projete este QR code: ele abre a aula {code}.",
        "en": "Project this QR code: it opens lesson {code}.",
    },
    "workshop.instr.qr_download": {"pt": "Baixar o QR code", "en": "Download the QR code"},
    "workshop.instr.student_link": {
        "pt": "**Link dos alunos** (pode projetar):",
        "en": "**Student link** (fine to project):",
    },
    "workshop.instr.instructor_link": {
        "pt": "**Seu link de instrutor** (painel da turma):",
        "en": "**Your instructor link** (class board):",
    },
    "workshop.instr.instructor_link_private": {
        "pt": "Guarde este link só para você: ele abre o painel da turma. Ele só aparece agora; ao abri-lo, a chave sai da barra de endereço.",
        "en": "Keep this link to yourself: it opens the class board. It is shown only now; once opened, the key leaves the address bar.",
    },
    "workshop.instr.expires_on": {
        "pt": "O link dos alunos vale até {date} (UTC).",
        "en": "The student link works until {date} (UTC).",
    },
    # -- the class board ------------------------------------------------------------------------
    "workshop.board.title": {"pt": "Painel da turma", "en": "Class board"},
    "workshop.board.need_link": {
        "pt": "O painel da turma só abre pelo link de instrutor que apareceu ao salvar a aula.",
        "en": "The class board opens only through the instructor link shown when the lesson was saved.",
    },
    "workshop.board.about": {
        "pt": "Código {code} · link dos alunos: {link}",
        "en": "Code {code} · student link: {link}",
    },
    "workshop.board.freeze": {"pt": "Congelar o ranking", "en": "Freeze the ranking"},
    "workshop.board.freeze_help": {
        "pt": "Treinos que terminarem depois disso não mudam o ranking: bom para a revelação.",
        "en": "Runs finishing after this do not change the ranking: handy for the reveal.",
    },
    "workshop.board.unfreeze": {"pt": "Descongelar o ranking", "en": "Unfreeze the ranking"},
    "workshop.board.frozen": {
        "pt": "Ranking congelado: treinos que terminarem agora não contam.",
        "en": "Ranking frozen: runs finishing now do not count.",
    },
    "workshop.board.class_title": {"pt": "A turma ({n})", "en": "The class ({n})"},
    "workshop.board.empty": {
        "pt": "Ninguém entrou ainda. Projete o QR code ou o link dos alunos.",
        "en": "Nobody has joined yet. Project the QR code or the student link.",
    },
    "workshop.board.col.rank": {"pt": "Posição", "en": "Rank"},
    "workshop.board.col.nickname": {"pt": "Apelido", "en": "Nickname"},
    "workshop.board.col.step": {"pt": "Passo", "en": "Step"},
    "workshop.board.col.runs": {"pt": "Treinos", "en": "Runs"},
    "workshop.board.col.accuracy": {"pt": "Melhor acurácia (teste)", "en": "Best test accuracy"},
    "workshop.board.col.weights": {"pt": "Pesos", "en": "Weights"},
    "workshop.board.col.seconds": {"pt": "Tempo de treino", "en": "Training time"},
    "workshop.board.col.state": {"pt": "Agora", "en": "Now"},
    "workshop.board.step": {"pt": "{n} de {total}", "en": "{n} of {total}"},
    "workshop.board.state.training": {"pt": "treinando", "en": "training"},
    "workshop.board.state.waiting": {"pt": "na fila", "en": "waiting"},
    "workshop.board.state.waiting_at": {"pt": "na fila ({n}º)", "en": "waiting (#{n})"},
    "workshop.board.state.idle": {"pt": "—", "en": "—"},
    "workshop.board.csv": {"pt": "Baixar a tabela (CSV)", "en": "Download the table (CSV)"},
    "workshop.board.chart_title": {"pt": "Acurácia × pesos", "en": "Accuracy vs weights"},
    "workshop.board.chart.x": {"pt": "Pesos (escala log)", "en": "Weights (log scale)"},
    "workshop.board.chart.y": {"pt": "Acurácia no teste (%)", "en": "Test accuracy (%)"},
    "workshop.board.chart.ranked": {"pt": "no ranking", "en": "ranked"},
    "workshop.board.chart.unranked": {"pt": "fora das regras", "en": "outside the rules"},
    "workshop.board.chart.caption": {
        "pt": "{scored} de {n} alunos já têm nota; lidera {leader} com {acc} e {weights} pesos.",
        "en": "{scored} of {n} students have a score; {leader} leads with {acc} and {weights} weights.",
    },
    "workshop.board.chart.caption_no_rank": {
        "pt": "{scored} de {n} alunos já têm nota, mas nenhum treino dentro das regras ainda.",
        "en": "{scored} of {n} students have a score, but no run within the rules yet.",
    },
    "workshop.board.chart.caption_none": {
        "pt": "Nenhum dos {n} alunos terminou um treino ainda.",
        "en": "None of the {n} students has finished a run yet.",
    },
    "workshop.board.queue_title": {"pt": "Fila de treino", "en": "Training queue"},
    "workshop.board.queue.other": {"pt": "outro visitante", "en": "another visitor"},
    "workshop.board.queue.eta": {"pt": "Tempo estimado", "en": "Estimated time"},
    "workshop.board.queue_empty": {
        "pt": "Ninguém treinando nem esperando.",
        "en": "Nobody training or waiting.",
    },
}
