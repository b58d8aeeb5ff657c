"""Brazilian names, phone area codes and short pt-BR message texts (sampled, never real people)."""

from __future__ import annotations

FIRST_F = (
    "Ana", "Maria", "Juliana", "Fernanda", "Patrícia", "Camila", "Amanda", "Bruna", "Letícia", "Mariana",
    "Gabriela", "Larissa", "Beatriz", "Aline", "Vanessa", "Carolina", "Jéssica", "Renata", "Tatiane", "Priscila",
    "Luana", "Débora", "Natália", "Isabela", "Rafaela", "Sabrina", "Simone", "Cláudia", "Adriana", "Helena",
    "Alice", "Laura", "Manuela", "Valentina", "Sofia", "Lívia", "Yasmin", "Raquel", "Eduarda", "Fabiana",
)  # fmt: skip
FIRST_M = (
    "João", "José", "Carlos", "Lucas", "Gabriel", "Rafael", "Pedro", "Mateus", "Gustavo", "Felipe",
    "Bruno", "Rodrigo", "Thiago", "Diego", "Leonardo", "André", "Marcelo", "Fernando", "Paulo", "Ricardo",
    "Eduardo", "Vinícius", "Daniel", "Henrique", "Guilherme", "Caio", "Murilo", "Igor", "Renato", "Fábio",
    "Miguel", "Arthur", "Heitor", "Davi", "Samuel", "Enzo", "Otávio", "Júlio", "Roberto", "Sérgio",
)  # fmt: skip
SURNAMES = (
    "Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes",
    "Costa", "Ribeiro", "Martins", "Carvalho", "Almeida", "Lopes", "Soares", "Fernandes", "Vieira", "Barbosa",
    "Rocha", "Dias", "Nascimento", "Andrade", "Moreira", "Nunes", "Marques", "Machado", "Mendes", "Freitas",
    "Cardoso", "Ramos", "Gonçalves", "Santana", "Teixeira", "Araújo", "Pinto", "Correia", "Cavalcanti", "Monteiro",
)  # fmt: skip
#: Area codes (DDD) with weights: a São Paulo clinic, mostly local leads.
DDD = (11, 12, 13, 15, 19, 21, 31, 41, 47, 51, 61, 71, 81, 85)
DDD_WEIGHT = (0.62, 0.05, 0.05, 0.04, 0.06, 0.04, 0.03, 0.02, 0.01, 0.02, 0.02, 0.01, 0.02, 0.01)

INBOUND_BY_INTENT: dict[str, tuple[str, ...]] = {
    "agendar": (
        "Quero agendar uma avaliação",
        "Tem horário amanhã?",
        "Posso marcar para sábado?",
        "Gostaria de marcar uma consulta",
        "Qual o próximo horário livre?",
        "Pode ser às 18h?",
        "Quero marcar pra semana que vem",
        "Consigo encaixe hoje?",
    ),
    "preco": (
        "Quanto custa?",
        "Qual o valor do tratamento?",
        "Vocês parcelam?",
        "Tem desconto à vista?",
        "Qual o preço da avaliação?",
        "Aceita cartão?",
        "Está caro, tem promoção?",
        "Quanto fica no total?",
    ),
    "duvida_procedimento": (
        "Dói muito?",
        "Quanto tempo dura o procedimento?",
        "Precisa de anestesia?",
        "Quantas sessões são?",
        "Tem alguma contraindicação?",
        "O resultado é imediato?",
        "Quanto tempo de recuperação?",
    ),
    "localizacao_horario": (
        "Onde fica a clínica?",
        "Vocês abrem sábado?",
        "Qual o horário de funcionamento?",
        "Tem estacionamento?",
        "Fica perto do metrô?",
    ),
    "reclamacao": (
        "Estou esperando resposta há horas",
        "Não gostei do atendimento",
        "Meu horário foi desmarcado sem aviso",
        "Ninguém me respondeu ontem",
    ),
    "cancelar": ("Preciso cancelar minha consulta", "Quero desmarcar", "Não vou poder ir, pode remarcar?"),
    "saudacao": ("Oi", "Olá, bom dia", "Boa tarde!", "Oi, tudo bem?", "Boa noite", "Olá"),
    "outro": ("Ok", "Obrigado", "Certo", "Vou pensar", "Entendi", "Beleza", "👍"),
}
BOT_TEXTS = (
    "Olá! Sou a assistente virtual da clínica. Como posso ajudar?", "Posso te ajudar a agendar uma avaliação?",
    "A avaliação é gratuita. Qual o melhor dia para você?", "Temos horários de segunda a sábado.",
    "Os valores dependem da avaliação, mas posso te passar uma faixa.", "Vou verificar a agenda para você.",
    "Parcelamos em até 12x no cartão.", "Estamos na Av. Paulista, 1000, próximo ao metrô.",
    "Entendi! Vou chamar uma pessoa da nossa equipe.", "Posso ajudar em algo mais?",
)  # fmt: skip
REACTIVATION_TEXTS = (
    "Oi! Ainda tem interesse no tratamento? Temos condições especiais este mês.",
    "Olá! Notamos que você não concluiu seu agendamento. Posso ajudar?",
    "Oi! Abrimos novos horários esta semana. Quer agendar?",
)
POST_PROCEDURE_TEXTS = (
    "Olá! Como você está se sentindo após o procedimento?",
    "Oi! Tudo certo depois da consulta?",
    "Olá! Queremos saber como foi sua experiência conosco.",
)
HUMAN_TEXTS = (
    "Oi, aqui é da recepção, tudo bem?", "Tenho horário amanhã às 10h, pode ser?", "Consigo te encaixar às 18h30.",
    "O valor fica em 10x sem juros.", "Vou confirmar com a doutora e já te retorno.", "Agendado! Até lá.",
    "Desculpe a demora, estávamos em atendimento.", "Posso te enviar o orçamento detalhado?",
    "Perfeito, qualquer dúvida estou à disposição.", "Temos uma condição especial para pagamento à vista.",
)  # fmt: skip
COMMENTS_GOOD = (
    "Atendimento excelente!", "Muito atenciosos, recomendo.", "Rápido e eficiente.", "Adorei o resultado.",
    "Equipe muito simpática.",
)  # fmt: skip
COMMENTS_BAD = (
    "Demoraram muito para responder.", "Achei caro.", "Não consegui horário.", "O robô não entendeu minha pergunta.",
    "Esperei muito na recepção.",
)  # fmt: skip
CAMPAIGN_THEMES = (
    "Sorriso de Verão", "Clareamento Express", "Harmonize-se", "Implante Sem Medo", "Volta às Aulas",
    "Dia das Mães", "Black Friday", "Check-up Anual", "Aparelho Invisível", "Botox Day", "Natal Sorridente",
)  # fmt: skip
STAFF_NAMES = (
    "Ana Paula Ferreira", "Juliana Costa Ribeiro", "Camila Souza Martins", "Fernanda Lima Araújo",
    "Patrícia Gomes Almeida", "Beatriz Oliveira Santos", "Larissa Pereira Rocha", "Mariana Alves Cardoso",
    "Renata Dias Moreira", "Gabriela Nunes Teixeira", "Dr. Ricardo Mendes", "Dra. Helena Carvalho",
    "Marcelo Andrade", "Tatiane Freitas",
)  # fmt: skip
