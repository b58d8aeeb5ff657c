CREATE TABLE IF NOT EXISTS users (
    id uuid PRIMARY KEY,
    name text,
    role text,
    skills text[],
    hourly_cost numeric(12,2),
    active boolean,
    created_at timestamptz
);

CREATE TABLE IF NOT EXISTS marketing_campaigns (
    id uuid PRIMARY KEY,
    name text,
    channel text,
    cost numeric(12,2),
    started_at date,
    ended_at date,
    leads_generated integer
);

CREATE TABLE IF NOT EXISTS leads (
    id uuid PRIMARY KEY,
    phone text,
    name text,
    channel text,
    campaign_id uuid REFERENCES marketing_campaigns(id) ON DELETE SET NULL,
    procedure_interest text,
    maturity_score integer,
    status text,
    assigned_to uuid REFERENCES users(id) ON DELETE SET NULL,
    created_at timestamptz,
    converted_at timestamptz,
    lost_reason text
);

CREATE TABLE IF NOT EXISTS lead_status_history (
    lead_id uuid NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    status text,
    changed_at timestamptz
);

CREATE TABLE IF NOT EXISTS conversations (
    id uuid PRIMARY KEY,
    lead_id uuid REFERENCES leads(id) ON DELETE CASCADE,
    status text,
    playbook text,
    started_at timestamptz,
    transferred_at timestamptz,
    transfer_reason text,
    assigned_to uuid REFERENCES users(id) ON DELETE SET NULL,
    closed_at timestamptz
);

CREATE TABLE IF NOT EXISTS conversation_messages (
    id bigint PRIMARY KEY,
    conversation_id uuid REFERENCES conversations(id) ON DELETE CASCADE,
    direction text,
    sender_type text,
    sender_id uuid REFERENCES users(id) ON DELETE SET NULL,
    content text,
    created_at timestamptz
);

CREATE TABLE IF NOT EXISTS llm_interactions (
    id bigint PRIMARY KEY,
    conversation_id uuid REFERENCES conversations(id) ON DELETE CASCADE,
    message_id bigint REFERENCES conversation_messages(id) ON DELETE SET NULL,
    intent text,
    confidence real,
    validated_intent text,
    tokens_prompt integer,
    tokens_completion integer,
    latency_ms integer,
    model text,
    created_at timestamptz
);

CREATE TABLE IF NOT EXISTS lead_interactions (
    id bigint PRIMARY KEY,
    lead_id uuid REFERENCES leads(id) ON DELETE CASCADE,
    user_id uuid REFERENCES users(id) ON DELETE SET NULL,
    type text,
    outcome text,
    duration_seconds integer,
    created_at timestamptz
);

CREATE TABLE IF NOT EXISTS feedback (
    id bigint PRIMARY KEY,
    conversation_id uuid REFERENCES conversations(id) ON DELETE CASCADE,
    csat_score integer,
    nps_score integer,
    comment text,
    created_at timestamptz
);

CREATE TABLE IF NOT EXISTS lead_touchpoints (
    lead_id uuid NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    channel text,
    campaign_id uuid,
    touched_at timestamptz
);

CREATE TABLE IF NOT EXISTS procedure_bookings (
    id uuid PRIMARY KEY,
    lead_id uuid REFERENCES leads(id) ON DELETE CASCADE,
    procedure text,
    value numeric(12,2),
    booked_at timestamptz,
    scheduled_for timestamptz,
    status text
);

CREATE INDEX IF NOT EXISTS conversation_messages_created_at ON conversation_messages (created_at);
CREATE INDEX IF NOT EXISTS conversation_messages_conversation ON conversation_messages (conversation_id);
CREATE INDEX IF NOT EXISTS lead_status_history_lead ON lead_status_history (lead_id, changed_at);
CREATE INDEX IF NOT EXISTS conversations_lead ON conversations (lead_id);
CREATE INDEX IF NOT EXISTS conversations_started_at ON conversations (started_at);
CREATE INDEX IF NOT EXISTS leads_created_at ON leads (created_at);
CREATE INDEX IF NOT EXISTS lead_status_history_changed_at ON lead_status_history (changed_at);
CREATE INDEX IF NOT EXISTS lead_touchpoints_touched_at ON lead_touchpoints (touched_at);
CREATE INDEX IF NOT EXISTS procedure_bookings_booked_at ON procedure_bookings (booked_at);
