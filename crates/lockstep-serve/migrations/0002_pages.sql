-- Lockstep case store, schema version 2: Pages and Groups with their admins (pages.csv,
-- docs/pages.md), and feed lines about pages and groups (remove_page / remove_group).
CREATE TABLE pages (
    case_id INTEGER NOT NULL REFERENCES cases(id),
    page_id TEXT NOT NULL,
    page_name TEXT NOT NULL,
    page_kind TEXT NOT NULL CHECK (page_kind IN ('page', 'group')),
    verdict TEXT NOT NULL,
    network INTEGER,
    admins INTEGER NOT NULL,
    inauthentic_admins INTEGER NOT NULL,
    posing_as_news TEXT NOT NULL,
    evidence TEXT NOT NULL,
    PRIMARY KEY (case_id, page_id)
);
CREATE INDEX pages_by_network ON pages (case_id, network, page_kind, page_id);
CREATE TABLE page_admins (
    case_id INTEGER NOT NULL,
    page_id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    PRIMARY KEY (case_id, page_id, account_id),
    FOREIGN KEY (case_id, page_id) REFERENCES pages(case_id, page_id)
);
CREATE INDEX page_admins_by_account ON page_admins (case_id, account_id);
ALTER TABLE cases ADD COLUMN pages INTEGER NOT NULL DEFAULT 0;
-- What a feed line acts on: an account (account_id is the account), or a page or group
-- (account_id holds the page id; the feed shows it as page_id).
ALTER TABLE enforcements ADD COLUMN subject TEXT NOT NULL DEFAULT 'account' CHECK (subject IN ('account', 'page', 'group'));
