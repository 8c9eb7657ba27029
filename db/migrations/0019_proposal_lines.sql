-- The proposal editor's lines (service, description, quantity, unit price, discount, GST rate) as
-- RochCore's ProposalLine list, so the client sees exactly what the team wrote. Totals stay in
-- total_paise (computed by ProposalTotals: GST per line, no floats); older proposals have no lines.
ALTER TABLE proposals ADD COLUMN lines jsonb NOT NULL DEFAULT '[]';
