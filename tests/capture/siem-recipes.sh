#!/usr/bin/env bash
# The SIEM recipes of docs/siem/ as far as Debian's tools check them:
# Filebeat, Elastic Agent and Vector are not in Debian 12, nor are Logstash
# and Splunk, so their files are parsed here instead of run (YAML with
# python3-yaml and the keys each tool requires; Splunk's .conf with
# configparser; Logstash's plugin blocks by a small tokenizer: balanced
# braces, quoted strings, "key => value" inside plugins). The rsyslog files
# pass `rsyslogd -N1` (tests/capture/rsyslog-recipe.sh runs them). Each
# recipe's Markdown page must show its files verbatim.
set -u
cd "$(dirname "$0")/../.." || exit 1
py=/usr/bin/python3
if ! "$py" -c 'import yaml' 2>/dev/null; then
	echo "python3-yaml is not installed (scripts/deps.sh test)"; exit 77
fi
fail=0
"$py" - <<'PY' || fail=1
import configparser, re, sys, yaml

bad = 0
def err(msg):
    global bad
    print(msg); bad = 1

# Each page shows its files verbatim (the file's text inside a code block).
pages = {
    "docs/siem/elastic.md": ["filebeat.yml", "elastic-agent-parsers.yml"],
    "docs/siem/vector.md": ["vector.yaml"],
    "docs/siem/logstash.md": ["logstash.conf"],
    "docs/siem/rsyslog.md": ["rsyslog-forward.conf", "rsyslog-receive.conf"],
    "docs/siem/splunk.md": ["splunk-inputs.conf", "splunk-props.conf"],
}
for page, files in pages.items():
    try:
        text = open(page).read()
    except OSError as e:
        err("%s: %s" % (page, e)); continue
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```$", text, re.S | re.M)
    for f in files:
        body = open("docs/siem/" + f).read()
        if body not in blocks:
            err("%s does not show docs/siem/%s verbatim" % (page, f))

# Filebeat: inputs with ids, ndjson parsers at the top level, an output.
fb = yaml.safe_load(open("docs/siem/filebeat.yml"))
ids = [i.get("id") for i in fb.get("filebeat.inputs", [])]
if not ids or None in ids or len(set(ids)) != len(ids):
    err("filebeat.yml: every filestream input needs a unique id")
for i in fb.get("filebeat.inputs", []):
    if i.get("type") != "filestream" or not i.get("paths"):
        err("filebeat.yml: input %s: filestream with paths" % i.get("id"))
    nd = [p["ndjson"] for p in i.get("parsers", []) if "ndjson" in p]
    if not nd or nd[0].get("target") != "":
        err("filebeat.yml: input %s: ndjson parser with target \"\"" % i.get("id"))
if "output.elasticsearch" not in fb:
    err("filebeat.yml: no output.elasticsearch")
if "index" in fb["output.elasticsearch"] and not ("setup.template.name" in fb and "setup.template.pattern" in fb):
    err("filebeat.yml: a custom index needs setup.template.name and .pattern")
ea = yaml.safe_load(open("docs/siem/elastic-agent-parsers.yml"))
if not (isinstance(ea, list) and ea[0].get("ndjson", {}).get("target") == ""):
    err("elastic-agent-parsers.yml: a list with one ndjson parser")

# Vector: every input names a defined component; known types.
vc = yaml.safe_load(open("docs/siem/vector.yaml"))
comps = set(vc.get("sources", {})) | set(vc.get("transforms", {}))
for kind in ("transforms", "sinks"):
    for name, c in vc.get(kind, {}).items():
        for i in c.get("inputs", []):
            if i not in comps:
                err("vector.yaml: %s.%s: input %s is not defined" % (kind, name, i))
        if "type" not in c:
            err("vector.yaml: %s.%s has no type" % (kind, name))
for name, c in vc.get("sources", {}).items():
    if c.get("type") != "file" or not c.get("include"):
        err("vector.yaml: source %s: file with include" % name)
if "parse_json" not in vc["transforms"]["bergerie_parse"]["source"]:
    err("vector.yaml: the remap must parse the JSON line")

# Splunk: INI with the stanzas and keys the recipe relies on.
for f, need in (("splunk-inputs.conf", {"monitor:///var/log/bergerie/alerts.json": ["sourcetype", "index"]}),
                ("splunk-props.conf", {"bergerie:alert": ["INDEXED_EXTRACTIONS", "TIMESTAMP_FIELDS", "TIME_FORMAT", "LINE_BREAKER"]})):
    cp = configparser.ConfigParser(interpolation=None, strict=True, delimiters=("=",))
    cp.optionxform = str
    try:
        cp.read_string(open("docs/siem/" + f).read(), source=f)
    except configparser.Error as e:
        err("%s: %s" % (f, e)); continue
    for stanza, keys in need.items():
        if stanza not in cp:
            err("%s: no [%s]" % (f, stanza)); continue
        for k in keys:
            if k not in cp[stanza]:
                err("%s: [%s] has no %s" % (f, stanza, k))
props = open("docs/siem/splunk-props.conf").read()
if "%6N" not in props:
    err("splunk-props.conf: TIME_FORMAT must read six fractional digits")

# Logstash: input/filter/output sections of plugin blocks; settings
# "name => value"; strings closed; braces and brackets balanced.
src = open("docs/siem/logstash.conf").read()
toks = re.findall(r'#[^\n]*|"(?:[^"\\]|\\.)*"|=>|[{}\[\],]|[A-Za-z0-9_@.:/+%-]+|\S', src)
toks = [t for t in toks if not t.startswith("#")]
depth, stack, sections = 0, [], []
for i, t in enumerate(toks):
    if t in "{[":
        stack.append(t)
        if t == "{" and len(stack) == 1:
            sections.append(toks[i - 1])
    elif t in "}]":
        if not stack or {"}": "{", "]": "["}[t] != stack.pop():
            err("logstash.conf: unbalanced %s" % t); break
    elif t.startswith('"') and not t.endswith('"'):
        err("logstash.conf: unterminated string")
    elif t == "=>" and (i == 0 or not re.match(r"^[a-z_]+$", toks[i - 1])):
        err("logstash.conf: a setting name before => at token %d" % i)
if stack:
    err("logstash.conf: unclosed %s" % stack[-1])
if not set(sections) <= {"input", "filter", "output"} or "input" not in sections or "output" not in sections:
    err("logstash.conf: sections %s" % sections)
if '"json"' not in src:
    err("logstash.conf: the file input needs the json codec")
sys.exit(bad)
PY
rsyslogd=$(command -v rsyslogd || echo /usr/sbin/rsyslogd)
if [ -x "$rsyslogd" ]; then
	tmp=$(mktemp -d)
	for f in rsyslog-forward rsyslog-receive; do
		{ echo "global(workDirectory=\"$tmp\")"; cat "docs/siem/$f.conf"; } >"$tmp/$f.conf"
		if ! out=$("$rsyslogd" -N1 -f "$tmp/$f.conf" 2>&1); then
			echo "rsyslogd -N1: docs/siem/$f.conf:"; echo "$out"; fail=1
		fi
	done
	rm -rf "$tmp"
fi
[ $fail = 0 ] && echo "SIEM recipes: YAML, Splunk, Logstash and rsyslog files parse; pages show them verbatim"
exit $fail
