--[[
dsl.lua - the Lua half of tocsin's playbook and config language.

Trusted code, loaded by src/dsl.c into the same Lua state as the user's
file but in an environment of its own. install() puts the DSL's words into
the sandboxed environment; every word checks its arguments, records a
finding (with the line of the call in the user's file) instead of raising,
and keeps going, so a file reports all its mistakes at once. finish()
checks the cross-references and returns plain tables that dsl.c turns into
C structs (include/tocsin/playbook.h, config.h). Durations, rates, money
and locales are checked by C helpers in the 'tocsin' table, the same code
the engine uses later.
]]

local M = {}

-- luacheck: globals tocsin debug

local KNOWN_CHANNELS = { "email", "sms", "social", "banner", "status",
                         "staff", "tasks" }
local PARTS = { "subject", "text", "html", "sms", "social", "banner",
                "call", "status", "staff" }
local PROVIDERS = { "smtp", "twilio", "mastodon", "file", "http", "webhook",
                    "outbox" }
local COMMON_OPTS = { "provider", "rate", "concurrency", "timeout",
                      "connect_timeout", "attempts", "max_time",
                      "quiet_hours", "ca_file" }
local PROVIDER_OPTS = {
    smtp = { "url", "user", "password", "from", "starttls",
             "list_unsubscribe", "on_unknown" },
    twilio = { "base_url", "account", "token", "from", "status_callback" },
    mastodon = { "base_url", "token", "limit", "visibility", "network" },
    file = { "path" },
    http = { "url", "token", "method" },
    webhook = { "url", "token", "format", "headers" },
    outbox = {},
}
local PARAM_KINDS = { "string", "number", "integer", "bool", "duration",
                      "money", "datetime", "choice" }
local COMP_KINDS = { "credit", "refund", "coupon", "gift" }
local JURISDICTIONS = { "us-ca", "eu", "cn", "tw" }

local SECRET = {} -- the metatable of what env "NAME" returns

local function is_secret(v)
    -- the metatable hides itself (__metatable): look for the private mark
    return type(v) == "table" and rawget(v, SECRET) == true
end

local function list_has(list, v)
    for _, x in ipairs(list) do
        if x == v then return true end
    end
    return false
end

local function keys_of(t)
    local out = {}
    for k in pairs(t) do out[#out + 1] = k end
    table.sort(out)
    return out
end

local function concat(a, b)
    local out = {}
    for _, x in ipairs(a) do out[#out + 1] = x end
    for _, x in ipairs(b) do out[#out + 1] = x end
    return out
end

-- State of one file being loaded.
local S

local function user_line()
    for level = 2, 40 do
        local info = debug.getinfo(level, "Sl")
        if not info then break end
        if info.source == S.chunk and info.currentline > 0 then
            return info.currentline
        end
    end
    return 0
end

local function finding(line, msg, hint)
    S.findings[#S.findings + 1] = { line = line or 0, msg = msg, hint = hint }
end

local function suggest(name, candidates)
    if type(name) ~= "string" then return nil end
    local g = tocsin.guess(name, candidates)
    if g then return ("did you mean '%s'?"):format(g) end
    return nil
end

local function typename(v)
    if is_secret(v) then
        return "a secret"
    end
    return type(v)
end

-- Check that table 't' only has the string keys in 'allowed'.
local function only_keys(t, allowed, what, line)
    for k in pairs(t) do
        if type(k) ~= "string" then
            finding(line, ("%s: unexpected positional value (write "
                .. "key = value)"):format(what))
        elseif not list_has(allowed, k) then
            finding(line, ("unknown key '%s' in %s"):format(k, what),
                suggest(k, allowed))
        end
    end
end

local function want_string(v, what, line, optional)
    if v == nil then
        if not optional then finding(line, what .. " is required") end
        return nil
    end
    if type(v) == "number" then return tostring(v) end
    if type(v) ~= "string" then
        finding(line, ("%s must be a string, not %s"):format(what,
            typename(v)))
        return nil
    end
    return v
end

local function want_duration(v, what, line, optional)
    local s = want_string(v, what, line, optional)
    if s == nil then return nil end
    local secs, msg = tocsin.duration(s)
    if not secs then
        finding(line, ("%s: %s"):format(what, msg),
            'write a number and a unit: "90s", "10m", "12h", "3d", "1h30m"')
        return nil
    end
    return secs
end

local function want_number(v, what, line, lo, hi)
    if v == nil then return nil end
    if type(v) ~= "number" then
        finding(line, ("%s must be a number, not %s"):format(what,
            typename(v)))
        return nil
    end
    if v ~= v or v < lo or v > hi then
        finding(line, ("%s must be between %s and %s"):format(what,
            tostring(lo), tostring(hi)))
        return nil
    end
    return v
end

-- A declaration called as  word "name" { ... }.
local function named(word, fn)
    return function(name)
        local line = user_line()
        if type(name) ~= "string" or name == "" then
            finding(line, ("%s needs a name: %s \"name\" { ... }"):format(
                word, word))
            return function() end
        end
        return function(t)
            if type(t) ~= "table" then
                finding(line, ("%s '%s' needs a table: %s \"%s\" { ... }")
                    :format(word, name, word, name))
                return
            end
            fn(name, t, line)
        end
    end
end

local function unique(list, name, what, line)
    for _, x in ipairs(list) do
        if x.name == name then
            finding(line, ("%s '%s' is declared twice (first at line %d)")
                :format(what, name, x.line))
            return false
        end
    end
    return true
end

-- ----- config ---------------------------------------------------------------

local function install_config(env)
    env.env = function(name)
        local line = user_line()
        if type(name) ~= "string" or not name:match("^[%a_][%w_]*$") then
            finding(line, "env needs a variable name: env \"SMTP_PASS\"")
            name = "INVALID"
        end
        return setmetatable({ name = name, line = line, [SECRET] = true },
            SECRET)
    end
    SECRET.__tostring = function() return "***" end
    SECRET.__concat = function() error("a secret cannot be joined to "
        .. "text", 2) end
    SECRET.__metatable = "secret"

    env.brand = function(t)
        local line = user_line()
        if type(t) ~= "table" then
            finding(line, "brand needs a table: brand { name = ... }")
            return
        end
        if S.brand then
            finding(line, ("brand is declared twice (first at line %d)")
                :format(S.brand.line))
        end
        only_keys(t, { "name", "support_url", "status_url", "email_from",
            "timezone", "locales" }, "brand", line)
        local b = { line = line }
        b.name = want_string(t.name, "brand name", line)
        b.support_url = want_string(t.support_url, "support_url", line, true)
        b.status_url = want_string(t.status_url, "status_url", line, true)
        b.email_from = want_string(t.email_from, "email_from", line, true)
        b.timezone = want_string(t.timezone, "timezone", line, true)
        if b.timezone and not tocsin.timezone(b.timezone) then
            finding(line, ("unknown time zone '%s'"):format(b.timezone),
                'use an IANA zone such as "America/New_York"')
        end
        b.locales = {}
        if t.locales ~= nil then
            if type(t.locales) ~= "table" or #t.locales == 0 then
                finding(line, "locales must be a list of tags: "
                    .. '{ "en", "zh-TW" }')
            else
                for _, l in ipairs(t.locales) do
                    if type(l) ~= "string" or not tocsin.locale(l) then
                        finding(line, ("invalid locale '%s'"):format(
                            tostring(l)), "use BCP 47 tags: en, zh-TW, zh-CN")
                    else
                        b.locales[#b.locales + 1] = l
                    end
                end
            end
        end
        S.brand = b
    end

    env.channel = named("channel", function(name, t, line)
        if not unique(S.channels, name, "channel", line) then return end
        local prov = t.provider
        if type(prov) ~= "string" or not list_has(PROVIDERS, prov) then
            finding(line, ("channel '%s': unknown provider '%s'"):format(
                name, tostring(prov)), suggest(prov, PROVIDERS) or
                "providers: smtp, twilio, mastodon, file, http, webhook, "
                .. "outbox")
            return
        end
        local allowed = concat(COMMON_OPTS, PROVIDER_OPTS[prov])
        only_keys(t, allowed, ("channel '%s' (%s)"):format(name, prov), line)
        local c = { name = name, provider = prov, line = line, opts = {} }
        for _, k in ipairs(keys_of(t)) do
            local v = t[k]
            if k ~= "provider" and list_has(allowed, k) then
                local o = { key = k, line = line }
                if is_secret(v) then
                    o.env = rawget(v, "name")
                elseif type(v) == "string" or type(v) == "number" then
                    o.value = tostring(v)
                elseif type(v) == "boolean" then
                    o.value = v and "true" or "false"
                else
                    finding(line, ("channel '%s': %s must be a string, not "
                        .. "%s"):format(name, k, typename(v)))
                end
                if o.value and k == "rate" then
                    local ok, msg = tocsin.rate(o.value)
                    if not ok then finding(line, ("channel '%s': %s")
                        :format(name, msg), 'write "50/s" or "2000/h"') end
                elseif o.value and k == "quiet_hours" then
                    if not tocsin.range(o.value) then
                        finding(line, ("channel '%s': invalid quiet_hours "
                            .. "'%s'"):format(name, o.value),
                            'write "21:00-08:00"')
                    end
                elseif o.value and (k == "timeout" or k == "connect_timeout"
                        or k == "max_time") then
                    want_duration(o.value, ("channel '%s' %s"):format(name,
                        k), line)
                elseif o.value and k == "on_unknown" and
                        o.value ~= "hold" and o.value ~= "resend" then
                    finding(line, ("channel '%s': on_unknown must be 'hold' "
                        .. "or 'resend'"):format(name))
                elseif o.value and (k == "concurrency" or k == "attempts")
                        and not o.value:match("^%d+$") then
                    finding(line, ("channel '%s': %s must be a whole "
                        .. "number"):format(name, k))
                end
                c.opts[#c.opts + 1] = o
            end
        end
        S.channels[#S.channels + 1] = c
    end)

    env.approvers = function(t)
        local line = user_line()
        if type(t) ~= "table" then
            finding(line, "approvers needs a table: approvers { legal = "
                .. "{ \"Sam Roe <sam@acme.example>\" } }")
            return
        end
        for _, role in ipairs(keys_of(t)) do
            local members = t[role]
            local r = { name = role, line = line, members = {} }
            if type(role) ~= "string" then
                finding(line, "approvers: roles are names: { legal = {...} }")
            elseif type(members) == "string" then
                r.members[1] = members
            elseif type(members) ~= "table" then
                finding(line, ("approvers: role '%s' needs a list of people")
                    :format(role))
            else
                for _, m in ipairs(members) do
                    if type(m) == "string" then
                        r.members[#r.members + 1] = m
                    else
                        finding(line, ("approvers: role '%s' lists a %s")
                            :format(role, typename(m)))
                    end
                end
            end
            if type(role) == "string" then S.roles[#S.roles + 1] = r end
        end
    end

    env.settings = function(t)
        local line = user_line()
        if type(t) ~= "table" then
            finding(line, "settings needs a table")
            return
        end
        only_keys(t, { "committer", "page_dir", "lua_memory",
            "lua_instructions", "audit_fsync" }, "settings", line)
        local s = S.settings
        s.committer = want_string(t.committer, "committer", line, true)
        s.page_dir = want_string(t.page_dir, "page_dir", line, true)
        if t.lua_memory ~= nil then
            local v = t.lua_memory
            if type(v) == "string" then
                local n, unit = v:match("^(%d+)%s*(%a*)$")
                local mult = ({ [""] = 1, B = 1, KiB = 1024,
                    MiB = 1024 * 1024, GiB = 1024 * 1024 * 1024 })[unit or ""]
                v = n and mult and tonumber(n) * mult or nil
            end
            s.lua_memory = want_number(v, "lua_memory", line, 1048576,
                17179869184)
        end
        s.lua_instructions = want_number(t.lua_instructions,
            "lua_instructions", line, 1000, 1e12)
        if t.audit_fsync ~= nil then s.audit_fsync = t.audit_fsync == true end
    end
end

-- ----- playbook -------------------------------------------------------------

local function check_param_value(kind, v, choices)
    if kind == "string" then
        return type(v) == "string" or type(v) == "number"
    elseif kind == "number" then
        return tonumber(v) ~= nil
    elseif kind == "integer" then
        return tostring(v):match("^%-?%d+$") ~= nil
    elseif kind == "bool" then
        return v == true or v == false or v == "true" or v == "false"
    elseif kind == "duration" then
        return tocsin.duration(tostring(v)) ~= nil
    elseif kind == "money" then
        return tocsin.money(tostring(v)) ~= nil
    elseif kind == "datetime" then
        return tocsin.time(tostring(v)) ~= nil
    elseif kind == "choice" then
        return list_has(choices or {}, tostring(v))
    end
    return false
end

local function typed_value(kind, text)
    if kind == "number" or kind == "integer" then return tonumber(text) end
    if kind == "bool" then return text == "true" end
    return text
end

local function install_playbook(env, ctx)
    local values = {}
    env.params = setmetatable({}, {
        __index = function(_, k)
            if values[k] == nil then
                error(("unknown param '%s'%s"):format(tostring(k),
                    next(values) and "" or " (declare params in playbook "
                    .. "{ params = {...} } first)"), 2)
            end
            return values[k]
        end,
        __newindex = function() error("params are read-only", 2) end,
        __metatable = "params",
    })

    env.param = {}
    for _, kind in ipairs(PARAM_KINDS) do
        env.param[kind] = function(t)
            local line = user_line()
            t = t or {}
            if type(t) ~= "table" then
                finding(line, ("param.%s takes a table: param.%s { default "
                    .. "= ..., doc = \"...\" }"):format(kind, kind))
                t = {}
            end
            only_keys(t, { "default", "doc", "choices" }, "param." .. kind,
                line)
            return { __param = true, kind = kind, default = t.default,
                doc = t.doc, choices = t.choices, line = line }
        end
    end
    setmetatable(env.param, { __index = function(_, k)
        error(("unknown param kind '%s'%s"):format(tostring(k),
            suggest(k, PARAM_KINDS) and "; " .. suggest(k, PARAM_KINDS)
            or ""), 2)
    end })

    env.playbook = function(t)
        local line = user_line()
        if type(t) ~= "table" then
            finding(line, "playbook needs a table: playbook { id = ... }")
            return
        end
        if S.playbook then
            finding(line, ("playbook is declared twice (first at line %d)")
                :format(S.playbook.line))
            return
        end
        only_keys(t, { "id", "title", "summary", "params", "jurisdiction",
            "sample" }, "playbook", line)
        local p = { line = line, jurisdictions = {}, sample = {} }
        p.id = want_string(t.id, "playbook id", line)
        p.title = want_string(t.title, "playbook title", line, true)
        p.summary = want_string(t.summary, "playbook summary", line, true)
        local j = t.jurisdiction
        if type(j) == "string" then j = { j } end
        if j ~= nil and type(j) ~= "table" then
            finding(line, "jurisdiction must be a string or a list")
        elseif j then
            for _, x in ipairs(j) do
                if list_has(JURISDICTIONS, x) then
                    p.jurisdictions[#p.jurisdictions + 1] = x
                else
                    finding(line, ("unknown jurisdiction '%s'"):format(
                        tostring(x)), suggest(x, JURISDICTIONS) or
                        "jurisdictions: us-ca, eu, cn, tw")
                end
            end
        end
        if t.sample ~= nil then
            if type(t.sample) ~= "table" then
                finding(line, "sample must be a table of column = value")
            else
                for k, v in pairs(t.sample) do
                    if type(k) == "string" and (type(v) == "string" or
                            type(v) == "number") then
                        p.sample[k] = tostring(v)
                    else
                        finding(line, ("sample: '%s' must be text"):format(
                            tostring(k)))
                    end
                end
            end
        end
        local declared = {}
        if t.params ~= nil and type(t.params) ~= "table" then
            finding(line, "params must be a table of name = param.KIND{}")
        end
        for _, name in ipairs(keys_of(t.params or {})) do
            local spec = t.params[name]
            if type(spec) ~= "table" or not spec.__param then
                finding(line, ("param '%s' must be declared with param.KIND "
                    .. "{ ... }"):format(tostring(name)))
            else
                local sl = spec.line
                local prm = { name = name, kind = spec.kind, line = sl,
                    doc = spec.doc, choices = {} }
                if spec.kind == "choice" then
                    if type(spec.choices) ~= "table" or #spec.choices == 0
                    then
                        finding(sl, ("param '%s': choice needs choices = "
                            .. "{ ... }"):format(name))
                    else
                        for _, c in ipairs(spec.choices) do
                            prm.choices[#prm.choices + 1] = tostring(c)
                        end
                    end
                end
                if spec.default ~= nil then
                    if check_param_value(spec.kind, spec.default,
                            prm.choices) then
                        prm.default = tostring(spec.default)
                    else
                        finding(sl, ("invalid default '%s' for param '%s' "
                            .. "(%s)"):format(tostring(spec.default), name,
                            spec.kind))
                    end
                end
                local set = ctx.sets[name]
                if set ~= nil then
                    if check_param_value(spec.kind, set, prm.choices) then
                        prm.value = set
                    else
                        finding(0, ("invalid value '%s' for param '%s' (%s)")
                            :format(set, name, spec.kind), "given with --set")
                    end
                else
                    prm.value = prm.default
                end
                if prm.value == nil and set == nil then
                    finding(sl, ("param '%s' has no default and no --set "
                        .. "value"):format(name))
                end
                if prm.value ~= nil then
                    values[name] = typed_value(spec.kind, prm.value)
                end
                declared[name] = true
                S.params[#S.params + 1] = prm
            end
        end
        for k in pairs(ctx.sets) do
            if not declared[k] then
                finding(0, ("unknown param '%s' given with --set"):format(k),
                    suggest(k, keys_of(declared)))
            end
        end
        S.playbook = p
    end

    env.audience = named("audience", function(name, t, line)
        if not unique(S.audiences, name, "audience", line) then return end
        only_keys(t, { "where", "doc" }, ("audience '%s'"):format(name),
            line)
        if t.where ~= nil and type(t.where) ~= "function" then
            finding(line, ("audience '%s': where must be a function(c) ... "
                .. "end"):format(name))
        end
        S.audiences[#S.audiences + 1] = { name = name, line = line,
            where = type(t.where) == "function" and t.where or nil,
            doc = want_string(t.doc, "doc", line, true) }
    end)

    env.compensation = named("compensation", function(name, t, line)
        if not unique(S.compensations, name, "compensation", line) then
            return
        end
        only_keys(t, { "kind", "amount", "codes", "doc" },
            ("compensation '%s'"):format(name), line)
        local c = { name = name, line = line }
        c.kind = want_string(t.kind, ("compensation '%s' kind"):format(name),
            line)
        if c.kind and not list_has(COMP_KINDS, c.kind) then
            finding(line, ("compensation '%s': unknown kind '%s'"):format(
                name, c.kind), suggest(c.kind, COMP_KINDS) or
                "kinds: credit, refund, coupon, gift")
        end
        c.amount = want_string(t.amount, "amount", line, true)
        if c.amount and not tocsin.money(c.amount) then
            finding(line, ("compensation '%s': invalid amount '%s'"):format(
                name, c.amount), 'write "USD 20"')
        end
        c.codes = want_string(t.codes, "codes", line, true)
        if c.kind == "coupon" and not c.codes then
            finding(line, ("compensation '%s': a coupon needs codes = "
                .. "\"coupons.csv\""):format(name))
        end
        c.doc = want_string(t.doc, "doc", line, true)
        S.compensations[#S.compensations + 1] = c
    end)

    env.deadline = named("deadline", function(name, t, line)
        if not unique(S.deadlines, name, "deadline", line) then return end
        only_keys(t, { "within", "from", "wave" }, ("deadline '%s'"):format(
            name), line)
        S.deadlines[#S.deadlines + 1] = { name = name, line = line,
            within_s = want_duration(t.within, "within", line) or 0,
            from = want_string(t.from, "from", line, true) or "open",
            wave = want_string(t.wave, "wave", line) }
    end)

    env.staffing = function(t)
        local line = user_line()
        if type(t) ~= "table" then
            finding(line, "staffing needs a table")
            return
        end
        if S.staffing then
            finding(line, "staffing is declared twice")
            return
        end
        only_keys(t, { "interval", "horizon", "shrinkage", "max_occupancy",
            "baseline", "response", "mix", "surge" }, "staffing", line)
        local s = { line = line, baseline = {}, mix = {}, surge_max = {} }
        s.interval_s = want_duration(t.interval, "interval", line, true)
            or 1800
        s.horizon_s = want_duration(t.horizon, "horizon", line, true)
            or 72 * 3600
        if s.interval_s <= 0 or s.horizon_s / s.interval_s > 100000 then
            finding(line, "staffing: the horizon holds too many intervals "
                .. "(at most 100,000)")
        end
        s.shrinkage = want_number(t.shrinkage, "shrinkage", line, 0, 0.95)
            or 0.30
        s.max_occupancy = want_number(t.max_occupancy, "max_occupancy",
            line, 0.05, 1) or 0.85
        for _, ch in ipairs(keys_of(t.baseline or {})) do
            local n = want_number(t.baseline[ch], "baseline " .. ch, line, 0,
                1e6)
            if n then s.baseline[#s.baseline + 1] = { channel = ch,
                agents = n } end
        end
        local r = t.response or {}
        only_keys(r, { "rate", "peak_after", "half_life" },
            "staffing response", line)
        s.rate = want_number(r.rate, "response rate", line, 0, 10) or 0.1
        s.peak_after_s = want_duration(r.peak_after, "peak_after", line,
            true) or 3600
        s.half_life_s = want_duration(r.half_life, "half_life", line, true)
            or 6 * 3600
        if s.half_life_s <= 0 then
            finding(line, "staffing: half_life must be more than zero")
        end
        local total = 0
        for _, ch in ipairs(keys_of(t.mix or {})) do
            local m = t.mix[ch]
            if type(m) ~= "table" then
                finding(line, ("staffing mix '%s' must be a table"):format(ch))
            else
                only_keys(m, { "share", "aht", "target", "concurrency",
                    "reply_within" }, "staffing mix " .. ch, line)
                local x = { channel = ch, line = line }
                x.share = want_number(m.share, ch .. " share", line, 0, 1)
                    or 0
                total = total + x.share
                x.aht_s = want_duration(m.aht, ch .. " aht", line) or 0
                if x.aht_s <= 0 then
                    finding(line, ("staffing mix '%s': aht must be more than "
                        .. "zero"):format(ch))
                end
                if m.target ~= nil then
                    local sl, rest = tostring(m.target):match(
                        "^(%d+%.?%d*)%%?/(.+)$")
                    local secs = rest and tocsin.duration(rest)
                    if not sl or not secs or tonumber(sl) <= 0 or
                            tonumber(sl) >= 100 then
                        finding(line, ("staffing mix '%s': invalid target "
                            .. "'%s'"):format(ch, tostring(m.target)),
                            'write "80/20s": 80 % answered within 20 s')
                    else
                        x.target_sl = tonumber(sl) / 100
                        x.target_s = secs
                    end
                end
                x.concurrency = want_number(m.concurrency, ch ..
                    " concurrency", line, 1, 100) or 1
                x.reply_within_s = want_duration(m.reply_within,
                    ch .. " reply_within", line, true) or 0
                s.mix[#s.mix + 1] = x
            end
        end
        if #s.mix > 0 and math.abs(total - 1) > 0.001 then
            finding(line, ("staffing mix shares add up to %g, not 1"):format(
                total))
        end
        local g = t.surge or {}
        only_keys(g, { "lead", "channel", "template", "max" },
            "staffing surge", line)
        s.surge_lead_s = want_duration(g.lead, "surge lead", line, true)
            or 1800
        s.surge_channel = want_string(g.channel, "surge channel", line, true)
            or "staff"
        s.surge_template = want_string(g.template, "surge template", line,
            true)
        for _, ch in ipairs(keys_of(g.max or {})) do
            local n = want_number(g.max[ch], "surge max " .. ch, line, 0, 1e6)
            if n then s.surge_max[#s.surge_max + 1] = { channel = ch,
                agents = n } end
        end
        S.staffing = s
    end

    env.wave = named("wave", function(name, t, line)
        if not unique(S.waves, name, "wave", line) then return end
        local what = ("wave '%s'"):format(name)
        only_keys(t, { "at", "every", "until", "on", "after", "audience",
            "channels", "template", "approval", "compensation", "pace",
            "quiet_hours", "segments" }, what, line)
        local w = { name = name, line = line, channels = {}, first = false,
            quiet_hours = true, segments = 3, pace = "none" }
        if t.on ~= nil and (t.at ~= nil or t.every ~= nil) then
            finding(line, what .. " has both 'on' and 'at'/'every'; choose "
                .. "one")
        end
        if t["until"] ~= nil and t.every == nil then
            finding(line, what .. " has 'until' without 'every'")
        end
        if t.after ~= nil and t.on == nil then
            finding(line, what .. " has 'after' without 'on'")
        end
        if t.every ~= nil then
            w.kind = "every"
            w.every_s = want_duration(t.every, what .. " every", line) or 0
            if w.every_s ~= nil and w.every_s < 60 then
                finding(line, what .. ": every must be at least 1m")
            end
            w.at_s = want_duration(t.at, what .. " at", line, true)
                or w.every_s
            w.until_event = want_string(t["until"], "until", line, true)
                or "resolve"
        elseif t.on ~= nil then
            w.kind = "on"
            w.on_event = want_string(t.on, what .. " on", line)
            w.after_s = want_duration(t.after, what .. " after", line, true)
                or 0
            w.at_s = 0
        else
            w.kind = "at"
            w.at_s = want_duration(t.at, what .. " at", line, true) or 0
        end
        local ch = t.channels
        if type(ch) == "string" then ch = { ch } end
        if type(ch) == "table" and ch.first ~= nil then
            w.first = true
            ch = ch.first
        end
        if type(ch) ~= "table" or #ch == 0 then
            finding(line, what .. " needs channels = { \"email\", ... } or "
                .. "{ first = { ... } }")
            ch = {}
        end
        for _, c in ipairs(ch) do
            if type(c) ~= "string" then
                finding(line, what .. ": channels are names")
            else
                w.channels[#w.channels + 1] = c
            end
        end
        w.audience = want_string(t.audience, "audience", line, true)
        w.template = want_string(t.template, what .. " template", line)
        w.approval = want_string(t.approval, "approval", line, true)
        w.compensation = want_string(t.compensation, "compensation", line,
            true)
        if t.pace ~= nil then
            if t.pace == "auto" then
                w.pace = "auto"
            else
                local rate, msg = tocsin.rate(tostring(t.pace))
                if rate then
                    w.pace = "rate"
                    w.pace_per_s = rate
                else
                    finding(line, what .. ": pace: " .. msg,
                        'write pace = "auto" or pace = "2000/h"')
                end
            end
        end
        if t.quiet_hours ~= nil then
            if type(t.quiet_hours) ~= "boolean" then
                finding(line, what .. ": quiet_hours must be true or false")
            else
                w.quiet_hours = t.quiet_hours
            end
        end
        if t.segments ~= nil then
            w.segments = want_number(t.segments, "segments", line, 1, 10) or 3
        end
        S.waves[#S.waves + 1] = w
    end)

    local allowed_parts = concat(PARTS, ctx.channel_names)
    env.template = named("template", function(name, t, line)
        if not unique(S.templates, name, "template", line) then return end
        local tpl = { name = name, line = line, locales = {} }
        for _, loc in ipairs(keys_of(t)) do
            local parts = t[loc]
            if type(loc) ~= "string" or not tocsin.locale(loc) then
                finding(line, ("template '%s': '%s' is not a locale tag")
                    :format(name, tostring(loc)),
                    'use BCP 47 tags: en, ["zh-TW"], ["zh-CN"]')
            elseif type(parts) ~= "table" then
                finding(line, ("template '%s' %s must be a table of parts")
                    :format(name, loc))
            else
                local l = { locale = loc, parts = {} }
                for _, pn in ipairs(keys_of(parts)) do
                    local text = parts[pn]
                    if not list_has(allowed_parts, pn) then
                        finding(line, ("template '%s' %s: unknown part '%s'")
                            :format(name, loc, tostring(pn)),
                            suggest(pn, allowed_parts))
                    elseif type(text) ~= "string" then
                        finding(line, ("template '%s' %s %s must be text")
                            :format(name, loc, pn))
                    else
                        l.parts[#l.parts + 1] = { name = pn, source = text }
                    end
                end
                tpl.locales[#tpl.locales + 1] = l
            end
        end
        if #tpl.locales == 0 then
            finding(line, ("template '%s' has no text in any locale"):format(
                name))
        end
        S.templates[#S.templates + 1] = tpl
    end)
end

-- ----- cross-references -----------------------------------------------------

local function names(list)
    local out = {}
    for _, x in ipairs(list) do out[#out + 1] = x.name end
    return out
end

local function ref(list, name, what, line, extra)
    if name == nil then return end
    for _, x in ipairs(list) do
        if x.name == name then return end
    end
    finding(line, ("unknown %s '%s'"):format(what, name),
        suggest(name, names(list)) or extra)
end

local function check_playbook(ctx)
    if not S.playbook then
        finding(1, "the file declares no playbook { id = ... }")
    end
    local channel_names = concat(KNOWN_CHANNELS, ctx.channel_names)
    for _, w in ipairs(S.waves) do
        ref(S.templates, w.template, "template", w.line)
        ref(S.audiences, w.audience, "audience", w.line)
        ref(S.compensations, w.compensation, "compensation", w.line)
        if w.approval and not list_has(ctx.roles, w.approval) then
            finding(w.line, ("unknown approval role '%s'"):format(w.approval),
                suggest(w.approval, ctx.roles) or
                "roles are declared with approvers { ... } in tocsin.lua")
        end
        for _, c in ipairs(w.channels) do
            if not list_has(channel_names, c) then
                finding(w.line, ("unknown channel '%s'"):format(c),
                    suggest(c, channel_names) or
                    "declare it with channel \"" .. c .. "\" { ... } in "
                    .. "tocsin.lua")
            end
        end
    end
    for _, d in ipairs(S.deadlines) do
        ref(S.waves, d.wave, "wave", d.line)
    end
    if S.staffing and S.staffing.surge_template then
        ref(S.templates, S.staffing.surge_template, "template",
            S.staffing.line)
    end
    if #S.audiences > 64 then
        finding(S.audiences[65].line, "at most 64 audiences")
    end
end

-- ----- entry points ---------------------------------------------------------

function M.install(env, ctx)
    S = { chunk = "@" .. ctx.path, findings = {}, channels = {}, roles = {},
        settings = {}, params = {}, audiences = {}, compensations = {},
        deadlines = {}, waves = {}, templates = {} }
    ctx.sets = ctx.sets or {}
    ctx.roles = ctx.roles or {}
    ctx.channel_names = ctx.channel_names or {}
    if ctx.kind == "config" then
        install_config(env)
    else
        install_playbook(env, ctx)
    end
end

function M.finish(ctx, failed)
    if ctx.kind ~= "config" and not failed then
        check_playbook(ctx)
    end
    local out = S
    S = nil
    return out
end

return M
