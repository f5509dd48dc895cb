-- .luacheckrc - luacheck settings for tocsin (`luacheck lua playbooks`).
--
-- Playbooks and the workspace config run in tocsin's sandbox (DESIGN §4):
-- an allow-list of the standard library plus the DSL's own functions. This
-- file declares exactly that allow-list, read-only, so luacheck reports a
-- misspelt DSL word (`wav "x"`, `param.durtion`), an assignment over a DSL
-- function (`wave = ...`), or a library the sandbox does not offer (`io`,
-- `os.execute`, `require`, `string.dump`, `print`) before tocsin refuses it
-- at run time.

std = "lua54"

local function fields(...)
    return { fields = { ... } }
end

-- The standard library as the sandbox offers it. No io, package, require,
-- dofile, loadfile or debug; os only for time/date/clock; no string.dump;
-- collectgarbage answers only "count". load exists but takes only text.
stds.tocsin_sandbox = {
    read_globals = {
        "_VERSION", "assert", "collectgarbage", "error", "getmetatable",
        "ipairs", "load", "next", "pairs", "pcall", "rawequal", "rawget",
        "rawlen", "select", "setmetatable", "tonumber", "tostring", "type",
        "xpcall",
        string = fields("byte", "char", "find", "format", "gmatch", "gsub",
                        "len", "lower", "match", "pack", "packsize", "rep",
                        "reverse", "sub", "unpack", "upper"),
        table = fields("concat", "insert", "move", "pack", "remove", "sort",
                       "unpack"),
        math = { other_fields = true },
        utf8 = { other_fields = true },
        os = fields("clock", "date", "time"),
    },
}

-- The playbook DSL (DESIGN §4): declarations, and `params` to read the
-- resolved parameter values after `playbook { params = ... }`.
stds.tocsin_playbook = {
    read_globals = {
        "playbook", "audience", "compensation", "deadline", "staffing",
        "wave", "template",
        param = fields("string", "number", "integer", "bool", "duration",
                       "money", "datetime", "choice"),
        params = { other_fields = true },
    },
}

-- The workspace config (tocsin.lua, DESIGN §3).
stds.tocsin_config = {
    read_globals = {
        "brand", "channel", "approvers", "env", "settings",
    },
}

-- Bundled playbooks: message templates are prose, so lines are as long as
-- a sentence needs; code lines stay readable by review, not by a limit.
files["playbooks"] = {
    std = "tocsin_sandbox+tocsin_playbook",
    max_line_length = false,
}

-- The commented workspace config that `tocsin init` writes, and a
-- workspace's own tocsin.lua when this file is copied into a workspace.
files["lua/workspace"] = { std = "tocsin_sandbox+tocsin_config" }
files["tocsin.lua"] = { std = "tocsin_sandbox+tocsin_config" }
