#!/usr/bin/env python3
"""Generate Sources/SkiffAPI/ProtoSchema+Generated.swift (and its parts, +Generated<N>.swift) from shared/data/k8s_proto_schema.json.

Only the messages reachable from ROOTS are emitted (about a quarter of the 1225 schemas).
The output is ONE raw string literal that ProtoSchema parses on first use: a dictionary or
array literal of a few hundred structs makes the Swift type checker crawl, a string does not.

Format, one line each (fields follow their message, and numbers are descriptor.proto codes):
    @<message name>[ map][ kind]
    <field number> <json name> <type code>[r][i][o] [<message type name>]
'map' marks a map entry message, 'kind' a top-level kind a body may carry;
'r' marks a repeated field, 'i' an embedded struct whose fields JSON inlines into the parent,
'o' a scalar whose zero Go's JSON encoder omits (see GO TAGS below);
message names drop the leading '.' of the descriptor names.

GO TAGS. Go's protobuf marshallers write every non-pointer field, zero or not, where its JSON
encoder drops the zero (0, false, "", empty []byte) of a field tagged `json:",omitempty"`. A
pointer field (`replicas *int32`) is on the wire only when set, so its zero is a real value; a
field without omitempty (`containerPort int32`) keeps its zero in JSON too. Neither the
descriptors nor the .proto labels tell a pointer apart (every field is proto2 `optional`), so
the flag comes from the Go types themselves: kubectl 1.33's binary carries, for reflection,
each struct's fields with their tags and types. read_go_structs() walks that type data, and
the generator flags a singular scalar 'o' exactly when its json tag has omitempty and its Go
type is not a pointer. It also checks INLINE and RENAME below against the json tags.

Usage: python3 gen_proto_schema.py [schema.json] [output.swift] [kubectl binary]
"""
import json, os, re, struct, sys

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/k8s_proto_schema.json"
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "ProtoSchema+Generated.swift")
KUBECTL = sys.argv[3] if len(sys.argv) > 3 else "/usr/lib/google-cloud-sdk/bin/kubectl.1.33"
PART_LINES = 420

# The kinds the API server accepts as protobuf bodies. Add a kind here and rerun to support it.
ROOTS = [
    "k8s.io.api.core.v1." + k for k in (
        "Pod", "Service", "ConfigMap", "Secret", "Namespace", "ServiceAccount", "ResourceQuota",
        "LimitRange", "Endpoints", "PersistentVolumeClaim", "ReplicationController", "Event")
] + [
    "k8s.io.api.apps.v1." + k for k in ("Deployment", "ReplicaSet", "DaemonSet", "StatefulSet")
] + [
    "k8s.io.api.batch.v1.Job", "k8s.io.api.batch.v1.CronJob",
    "k8s.io.api.coordination.v1.Lease",
    # `kubectl create priorityclass` sends protobuf too (tools/capture_kubectl.py captures it).
    "k8s.io.api.scheduling.v1.PriorityClass",
    "k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions",
]

# Proto field names equal JSON names except for these, found by comparing the `json:` and
# `protobuf:` struct tags that kubectl 1.33's binary carries:
#   strings kubectl | grep -o 'json:"[^"]*"[^`]*protobuf:"[^"]*"'
# Embedded Go structs tagged `json:",inline"`: their fields belong to the parent JSON object.
# Keyed by proto field name, valued by the embedded message's short name.
INLINE = {
    "volumeSource": "VolumeSource", "persistentVolumeSource": "PersistentVolumeSource",
    "localObjectReference": "LocalObjectReference", "handler": "ProbeHandler",
    "ephemeralContainerCommon": "EphemeralContainerCommon", "ingressRuleValue": "IngressRuleValue",
    "rule": "Rule", "ruleWithOperations": "RuleWithOperations",
    "deviceConfiguration": "DeviceConfiguration", "typeMeta": "TypeMeta",
}
# Capitalised proto names whose JSON name is lower-case.
RENAME = {"Name": "name", "Expression": "expression", "Webhooks": "webhooks"}
# Apimachinery types with their own JSON marshalling (ProtobufMessageDecoder+WellKnown.swift):
# their Go fields do not match the proto fields, and the decoder never reads them field by field.
CUSTOM_JSON = {"k8s.io.apimachinery.pkg.apis.meta.v1." + n for n in ("Time", "MicroTime", "FieldsV1")} | {
    "k8s.io.apimachinery.pkg.api.resource.Quantity", "k8s.io.apimachinery.pkg.util.intstr.IntOrString"}


def read_go_structs(path):
    """{message name: {field number: (json tag options, is pointer)}} for every struct in the Go
    binary at `path` (ELF, amd64, Go >= 1.21) whose package is under k8s.io/api or
    k8s.io/apimachinery and whose fields carry `protobuf:` tags.

    Go keeps reflection data for every type a program may inspect: `.typelink` lists offsets of
    types from the start of `.rodata`, and from those the element, key and field types reach all
    the rest. The layouts are internal/abi's: Type is 48 bytes (Kind at 23, TFlag at 20, name
    offset at 40); PtrType, SliceType, ArrayType and ChanType hold their element at 48, MapType
    its key and element at 48 and 56; StructType its []StructField at 56, and after those 80
    bytes an UncommonType whose first int32 locates the package path. A StructField is
    {name *byte, typ *Type, offset uintptr}; a name is a flag byte (2 = has tag), a varint
    length, the bytes, then the tag the same way.
    """
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2:
        sys.exit(f"error: {path} is not a 64-bit ELF file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize) for i in range(shnum)]
    names_at = sections[shstrndx][4]
    by_name = {data[names_at + s[0]:data.index(b"\0", names_at + s[0])].decode(): s for s in sections}
    loaded = [(s[3], s[4], s[5]) for s in sections if s[3] and s[1] != 8]  # addr, offset, size; no .bss

    def at(addr):
        for start, offset, size in loaded:
            if start <= addr < start + size:
                return offset + addr - start
        raise ValueError(f"address {addr:#x} is outside the file")

    def word(addr):
        return struct.unpack_from("<Q", data, at(addr))[0]

    def varint(p):
        value, shift = 0, 0
        while True:
            byte = data[p]
            value |= (byte & 0x7F) << shift
            p, shift = p + 1, shift + 7
            if byte < 0x80:
                return value, p

    def name(addr):
        p = at(addr)
        length, p = varint(p + 1)
        text, tag = data[p:p + length].decode(), ""
        if data[at(addr)] & 2:
            tag_length, p = varint(p + length)
            tag = data[p:p + tag_length].decode()
        return text, tag

    base = by_name[".rodata"][3]
    typelink = by_name[".typelink"]
    stack = [base + o for o in struct.unpack_from(f"<{typelink[5] // 4}i", data, typelink[4])]
    seen, structs = set(), {}
    while stack:
        t = stack.pop()
        if t in seen or t == 0:
            continue
        seen.add(t)
        kind, tflag = data[at(t) + 23] & 0x1F, data[at(t) + 20]
        if kind in (17, 18, 22, 23):  # array, chan, pointer, slice
            stack.append(word(t + 48))
        elif kind == 21:  # map
            stack += [word(t + 48), word(t + 56)]
        elif kind == 25:  # struct
            start = word(t + 56)
            fields = [(name(word(a)), word(a + 8)) for a in range(start, start + 24 * word(t + 64), 24)]
            stack += [typ for _, typ in fields]
            package = ""
            if tflag & 1:  # has an UncommonType
                offset, = struct.unpack_from("<i", data, at(t) + 80)
                package = name(base + offset)[0] if offset else ""
            if not package.startswith(("k8s.io/api/", "k8s.io/apimachinery/")):
                continue
            type_name, = struct.unpack_from("<i", data, at(t) + 40)
            short = name(base + type_name)[0].rsplit(".", 1)[-1]
            numbered = {}
            for (_, tag), typ in fields:
                proto = re.search(r'protobuf:"[^",]*,(\d+),', tag)
                if proto:
                    json_tag = re.search(r'json:"([^"]*)"', tag)
                    options = json_tag.group(1).split(",") if json_tag else []
                    numbered[int(proto.group(1))] = (options, data[at(typ) + 23] & 0x1F == 22)
            if numbered:
                structs[package.replace("/", ".") + "." + short] = numbered
    return structs


def main():
    with open(SCHEMA) as f:
        schema = {name.lstrip("."): msg for name, msg in json.load(f).items()}
    seen, order, stack = set(), [], list(reversed(ROOTS))
    while stack:  # depth-first walk so related messages sit together in the output
        name = stack.pop()
        if name in seen:
            continue
        if name not in schema:
            sys.exit(f"error: {name} is not in {SCHEMA}")
        seen.add(name)
        order.append(name)
        fields = schema[name]["fields"]
        for num in sorted(fields, key=int, reverse=True):
            ref = fields[num][3].lstrip(".")
            if ref and ref not in seen:
                stack.append(ref)
    if not os.path.exists(KUBECTL):
        sys.exit(f"error: {KUBECTL} not found; pass a kubectl binary (a Go build of k8s.io/api) "
                 "as the 3rd argument")
    go = read_go_structs(KUBECTL)
    lines, omitted = [], 0
    for name in order:
        msg = schema[name]
        lines.append("@" + name + (" map" if msg["map"] else "") + (" kind" if name in ROOTS else ""))
        go_fields = go.get(name, {})
        if not go_fields and not msg["map"] and name not in CUSTOM_JSON:
            sys.exit(f"error: no Go struct with protobuf tags for {name} in {KUBECTL}")
        for num in sorted(msg["fields"], key=int):
            json_name, type_code, label, ref = msg["fields"][num]
            if " " in json_name or "\n" in json_name:
                sys.exit(f"error: field name {json_name!r} in {name} breaks the line format")
            short = ref.rsplit(".", 1)[-1]
            inline = type_code == 11 and INLINE.get(json_name) == short
            json_name = RENAME.get(json_name, json_name)
            options, pointer = go_fields.get(int(num), ([], False))
            if name not in CUSTOM_JSON and not msg["map"]:
                if int(num) not in go_fields:
                    sys.exit(f"error: {name} field {num} has no protobuf-tagged Go field in {KUBECTL}")
                if inline != ("inline" in options) or (not inline and options[:1] != [json_name]):
                    sys.exit(f"error: {name}.{json_name}: Go tag json:{','.join(options)!r} "
                             "disagrees with INLINE/RENAME")
            omit = type_code != 11 and label != 3 and "omitempty" in options and not pointer
            omitted += omit
            flags = ("r" if label == 3 else "") + ("i" if inline else "") + ("o" if omit else "")
            entry = f"{num} {json_name} {type_code}{flags}"
            lines.append(entry + (" " + ref.lstrip(".") if ref else ""))
    body = "\n".join(lines)
    if '"#' in body:
        sys.exit("error: schema text contains '\"#', which would end the raw string literal")
    # Parts of at most PART_LINES lines, cut at message boundaries, one file each (the project
    # keeps files under ~500 lines); the main file joins them.
    parts, current = [], []
    for line in lines:
        if line.startswith("@") and len(current) >= PART_LINES:
            parts.append(current)
            current = []
        current.append(line)
    parts.append(current)
    stem = OUT[:-len(".swift")]
    header = f"""// swift-format-ignore-file
// GENERATED by gen_proto_schema.py from shared/data/k8s_proto_schema.json. Do not edit.
// Regenerate: python3 gen_proto_schema.py [k8s_proto_schema.json] [ProtoSchema+Generated.swift]
"""
    joined = " + \"\\n\"\n        + ".join(f"generatedPart{i + 1}" for i in range(len(parts)))
    files = {OUT: f"""{header}// {len(order)} messages reachable from: {", ".join(r.rsplit(".", 1)[1] for r in ROOTS)}.
// {omitted} 'o' flags from the Go struct tags in {os.path.basename(KUBECTL)}.
// One string parsed at first use (~5 ms): it adds ~0.05 s to a build, where the same table as a
// [String: Message] dictionary literal took 36 s and 7 GB of memory to compile (Swift 6.3, 2 cores).
// The text is split over ProtoSchema+Generated<N>.swift.

extension ProtoSchema {{
    /// `@message[ map][ kind]` lines, each followed by `number jsonName typeCode[r][i][o] [messageType]` lines.
    static let generatedText =
        {joined}
}}
"""}
    for i, part in enumerate(parts):
        body = "\n".join(part)
        files[f"{stem}{i + 1}.swift"] = f"""{header}
extension ProtoSchema {{
    /// Part {i + 1} of {len(parts)} of `generatedText`.
    static let generatedPart{i + 1} = #\"\"\"
{body}
\"\"\"#
}}
"""
    for name, text in files.items():
        with open(name, "w") as f:
            f.write(text)
    print(f"wrote {len(order)} messages ({omitted} omitempty scalars) to {OUT} and {len(parts)} parts",
          file=sys.stderr)


if __name__ == "__main__":
    main()
