-- tocsin.lua - this workspace's settings: who we are, how messages leave,
-- who signs off. `tocsin check` reads it; `tocsin init` wrote it.
--
-- As written, no channel is defined, so every message goes to the outbox
-- (.tocsin/outbox/<channel>/: a Maildir for email, one JSON line per
-- message otherwise). Nothing reaches a customer until you define a real
-- channel below. That makes a fresh workspace safe for drills:
--   tocsin drill warehouse-outage --audience playbooks/samples/customers.csv
--
-- Secrets: write env "NAME" and set the variable NAME in the environment
-- that runs tocsin. The value is read only when it is used, and tocsin never
-- writes it to git, the journal, logs or error messages (it shows ***).
-- Never put a password or token in this file: it is committed to git.

-- Who we are. Templates can use {{brand_name}}, {{support_url}} and
-- {{status_url}}; change these before the first real incident.
brand {
  -- The name customers know us by: the start of every SMS, the email signature.
  name = "Acme Outfitters",
  -- Where customers get help. Every message links here.
  support_url = "https://acme.example/help",
  -- The public status page (see `tocsin page`). Banners and posts link here.
  status_url = "https://status.acme.example",
  -- The sender of every email. Replies go here, so someone must read it.
  email_from = "Acme Care <care@acme.example>",
  -- Our home time zone (IANA name): used for customers without a tz column
  -- and for the times in banners and social posts.
  timezone = "America/New_York",
  -- The languages our templates are written in. A customer gets the closest
  -- match to their locale (zh-Hant-HK reads zh-TW, zh-Hans-SG reads zh-CN,
  -- en-GB reads en); anyone else gets the first one listed.
  locales = { "en", "zh-TW", "zh-CN" },
}

-- Channels --------------------------------------------------------------------
-- Uncomment a block and fill it in to deliver for real. A channel you leave
-- commented out keeps going to the outbox. `tocsin check` tests the settings;
-- before each wave tocsin also checks that the channel answers.

-- Email through your SMTP server (SMTPS, or STARTTLS on port 587).
-- channel "email" {
--   provider = "smtp",
--   url = "smtp://mail.acme.example:587",   -- smtps://...:465 for implicit TLS
--   user = env "SMTP_USER",
--   password = env "SMTP_PASS",
--   rate = "50/s",                          -- your provider's sending limit
--   concurrency = 8,                        -- connections open at once
--   on_unknown = "hold",                    -- a send whose outcome is unknown:
--                                           -- "hold" for a person to decide
--                                           -- (tocsin reconcile), or "resend"
-- }

-- SMS through Twilio, or any service with the same REST API.
-- channel "sms" {
--   provider = "twilio",
--   base_url = "https://api.twilio.com",
--   account = env "TWILIO_SID",
--   token = env "TWILIO_TOKEN",
--   from = "+15550001111",                  -- our sending number, E.164
--   rate = "30/s",
--   quiet_hours = "21:00-08:00",            -- no texts at night, in each
--                                           -- customer's own time zone; a
--                                           -- wave can say quiet_hours = false
-- }

-- Social posts on a Mastodon server.
-- channel "social" {
--   provider = "mastodon",
--   base_url = "https://social.acme.example",
--   token = env "MASTODON_TOKEN",
--   limit = 500,                            -- the server's post length limit
-- }

-- The site banner, written as an HTML file that the website includes...
-- channel "banner" {
--   provider = "file",
--   path = "/var/www/html/incident-banner.html",
-- }
-- ...or sent with an HTTP PUT to your content system.
-- channel "banner" {
--   provider = "http",
--   url = "https://cms.acme.example/api/banner",
--   token = env "CMS_TOKEN",                -- sent as a bearer token
-- }

-- Internal alerts and surge paging to a Slack-compatible webhook.
-- channel "staff" {
--   provider = "webhook",
--   url = env "STAFF_WEBHOOK",
-- }

-- Call-back tasks for agents: a JSON POST to the helpdesk. Left undefined,
-- tasks are written as a CSV in the outbox for a team lead to hand out.
-- channel "tasks" {
--   provider = "webhook",
--   url = env "HELPDESK_WEBHOOK",
-- }

-- Any other name is an internal audience that hears the same news at the
-- same time, for example our logistics partners, executives or stores.
-- channel "partners" {
--   provider = "webhook",
--   url = env "PARTNERS_WEBHOOK",
-- }

-- Approvers -------------------------------------------------------------------
-- A wave with approval = "ROLE" waits until one of these people runs
-- `tocsin approve ID WAVE --as "Name <email>"`. The bundled playbooks use
-- comms-lead (social posts) and legal (recall and breach notices). Put at
-- least two people in each role, so one absence does not stop a notice.
approvers {
  ["comms-lead"] = { "Ana Li <ana@acme.example>", "Ben Ortiz <ben@acme.example>" },
  legal = { "Sam Roe <sam@acme.example>", "Priya Nair <priya@acme.example>" },
}

-- Settings --------------------------------------------------------------------
settings {
  -- The committer of every audit commit. The author is always the person
  -- who acted (--as, or git's user.name and user.email).
  committer = "tocsin <tocsin@localhost>",
  -- Where `tocsin page` writes the status page and its Atom feed when no
  -- --out is given. Point it at a directory your web server publishes.
  -- page_dir = "/var/www/status",
  -- Memory one playbook's Lua may use ("256MiB", or bytes). Raise it only if a large
  -- audience's `where` functions need more; the limit stops runaway code.
  lua_memory = "256MiB",
  -- Instructions one call into a playbook may run before it is stopped
  -- (an endless loop in a `where` function fails with its file:line).
  lua_instructions = 10000000,
}
