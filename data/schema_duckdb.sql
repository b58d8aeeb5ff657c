CREATE TABLE IF NOT EXISTS users (
    id UUID,
    name VARCHAR,
    role VARCHAR,
    skills VARCHAR[],
    hourly_cost DECIMAL(12,2),
    active BOOLEAN,
    created_at TIMESTAMPTZ
);

CREATE TABLE IF NOT EXISTS marketing_campaigns (
    id UUID,
    name VARCHAR,
    channel VARCHAR,
    cost DECIMAL(12,2),
    started_at DATE,
    ended_at DATE,
    leads_generated INTEGER
);

CREATE TABLE IF NOT EXISTS leads (
    id UUID,
    phone VARCHAR,
    name VARCHAR,
    channel VARCHAR,
    campaign_id UUID,
    procedure_interest VARCHAR,
    maturity_score INTEGER,
    status VARCHAR,
    assigned_to UUID,
    created_at TIMESTAMPTZ,
    converted_at TIMESTAMPTZ,
    lost_reason VARCHAR
);

CREATE TABLE IF NOT EXISTS lead_status_history (
    lead_id UUID,
    status VARCHAR,
    changed_at TIMESTAMPTZ
);

CREATE TABLE IF NOT EXISTS conversations (
    id UUID,
    lead_id UUID,
    status VARCHAR,
    playbook VARCHAR,
    started_at TIMESTAMPTZ,
    transferred_at TIMESTAMPTZ,
    transfer_reason VARCHAR,
    assigned_to UUID,
    closed_at TIMESTAMPTZ
);

CREATE TABLE IF NOT EXISTS conversation_messages (
    id BIGINT,
    conversation_id UUID,
    direction VARCHAR,
    sender_type VARCHAR,
    sender_id UUID,
    content VARCHAR,
    created_at TIMESTAMPTZ
);

CREATE TABLE IF NOT EXISTS llm_interactions (
    id BIGINT,
    conversation_id UUID,
    message_id BIGINT,
    intent VARCHAR,
    confidence REAL,
    validated_intent VARCHAR,
    tokens_prompt INTEGER,
    tokens_completion INTEGER,
    latency_ms INTEGER,
    model VARCHAR,
    created_at TIMESTAMPTZ
);

CREATE TABLE IF NOT EXISTS lead_interactions (
    id BIGINT,
    lead_id UUID,
    user_id UUID,
    type VARCHAR,
    outcome VARCHAR,
    duration_seconds INTEGER,
    created_at TIMESTAMPTZ
);

CREATE TABLE IF NOT EXISTS feedback (
    id BIGINT,
    conversation_id UUID,
    csat_score INTEGER,
    nps_score INTEGER,
    comment VARCHAR,
    created_at TIMESTAMPTZ
);

CREATE TABLE IF NOT EXISTS lead_touchpoints (
    lead_id UUID,
    channel VARCHAR,
    campaign_id UUID,
    touched_at TIMESTAMPTZ
);

CREATE TABLE IF NOT EXISTS procedure_bookings (
    id UUID,
    lead_id UUID,
    procedure VARCHAR,
    value DECIMAL(12,2),
    booked_at TIMESTAMPTZ,
    scheduled_for TIMESTAMPTZ,
    status VARCHAR
);
