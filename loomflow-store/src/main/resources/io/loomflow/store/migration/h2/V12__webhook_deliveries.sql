-- The webhook deliveries a server accepted, so that a delivery sent again (a replay, or the sender's
-- retry) starts no second run, whichever server of a shared store it reaches: one row per scope (the
-- flow's name) and delivery id, kept until expires_at (epoch milliseconds: the end of the window in
-- which the delivery's signed timestamp is accepted), then deleted by the next claim.
CREATE TABLE lf_webhook_delivery (
    scope       VARCHAR(1000) NOT NULL,
    delivery_id VARCHAR(1000) NOT NULL,
    expires_at  BIGINT NOT NULL,
    PRIMARY KEY (scope, delivery_id)
);
CREATE INDEX lf_webhook_delivery_expiry ON lf_webhook_delivery (expires_at);
