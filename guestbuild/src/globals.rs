//! The globals transform: every writable global of a guest becomes
//! per-task.
//!
//! Tasks are threads of one host process, so a guest global must be
//! thread-local to be private to a task. This pass takes one preprocessed
//! unit (`cc -E` output, with line markers) and, for declarations that come
//! from the guest's own files (the markers tell which):
//!
//! - makes every file-scope variable `__thread` (definitions, tentative
//!   definitions and `extern` declarations alike, since all declarations of
//!   a thread-local variable must say so), except `const` objects, which
//!   stay shared and read-only, and `extern` declarations of variables the
//!   system headers declare (the C library's own);
//! - hoists every function-level `static` to file scope under a unique name
//!   (a getter must be able to take its address) and renames its uses;
//! - moves initializers that are not link-time constants for thread-local
//!   storage (they take the address of another per-task variable) into a
//!   generated init function, run when an image starts;
//! - appends, for the unit, a table of its per-task globals (a getter that
//!   returns the variable's address in the calling thread, its size, its
//!   name) for fork to copy.
//!
//! Guest sources need no edits for globals. Constructs the pass cannot
//! handle stop the build with a message naming the file and line.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use tree_sitter::{Node, Parser};

/// The transform's version: a hash of this file, so cached units are
/// transformed again exactly when the transform changed (build.rs).
pub const VERSION: &str = env!("GUESTBUILD_TRANSFORM_VERSION");

/// One per-task global the transformed unit defines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Global {
    /// Its file-scope name in the transformed unit (for a static kept in
    /// its function, its assembler name).
    pub name: String,
    /// `file:name` as written in the source, for diagnostics.
    pub label: String,
    /// A function-level static kept in place (its type is local to the
    /// function): file scope reaches it by assembler name, and its size
    /// comes from an absolute symbol set inside the function.
    pub in_place: bool,
}

/// The transformed unit.
#[derive(Debug)]
pub struct Unit {
    pub text: String,
    pub globals: Vec<Global>,
    /// Whether the unit defines `__tvm_init_<id>`.
    pub has_init: bool,
}

impl Unit {
    pub fn globals_symbol(id: &str) -> String {
        format!("__tvm_globals_{id}")
    }

    pub fn init_symbol(id: &str) -> String {
        format!("__tvm_init_{id}")
    }
}

/// Where each byte of the preprocessed text came from.
struct Origins {
    /// (first byte, file) in increasing order.
    marks: Vec<(usize, String)>,
}

impl Origins {
    fn file_at(&self, byte: usize) -> &str {
        let i = self.marks.partition_point(|(b, _)| *b <= byte);
        if i == 0 {
            ""
        } else {
            &self.marks[i - 1].1
        }
    }
}

/// Reads line markers (`# 12 "file.c" 1 3`) and returns the text with them
/// (and other directives) blanked out for the parser, byte offsets intact.
fn scan_markers(src: &str) -> (String, Origins) {
    let mut blank = String::with_capacity(src.len());
    let mut marks = Vec::new();
    let mut pos = 0;
    for line in src.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix('#') {
            let rest = rest.trim_start();
            let mut parts = rest.splitn(2, ' ');
            let num = parts.next().unwrap_or("");
            if !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit()) {
                if let Some(q) = parts.next().and_then(|r| r.strip_prefix('"')) {
                    let mut file = String::new();
                    let mut chars = q.chars();
                    while let Some(c) = chars.next() {
                        match c {
                            '"' => break,
                            '\\' => file.extend(chars.next()),
                            c => file.push(c),
                        }
                    }
                    marks.push((pos + line.len(), file));
                }
            }
            // Directives (markers, #pragma) are not C for the parser.
            blank.extend(line.chars().map(|c| if c == '\n' { '\n' } else { ' ' }));
        } else if line.contains("_Thread_local") {
            // The parser does not know C11's spelling; give it GCC's (padded
            // to the same length, so byte offsets stay the same).
            blank.push_str(&line.replace("_Thread_local", "__thread     "));
        } else {
            blank.push_str(line);
        }
        pos += line.len();
    }
    (blank, Origins { marks })
}

fn text<'a>(n: Node, src: &'a str) -> &'a str {
    &src[n.start_byte()..n.end_byte()]
}

fn line_of(src: &str, byte: usize) -> usize {
    src[..byte].bytes().filter(|&b| b == b'\n').count() + 1
}

/// What one declarator declares.
#[derive(Clone, Debug)]
struct Declarator<'t> {
    /// The declarator child of the declaration (maybe an init_declarator).
    node: Node<'t>,
    /// The declarator without its initializer.
    inner: Node<'t>,
    name: String,
    name_node: Node<'t>,
    is_function: bool,
    /// The object itself is const (reads only).
    is_const: bool,
    /// An array whose size comes from its initializer (`x[] = {...}`).
    open_array: bool,
    /// The `const` of `* const` that makes the object itself const.
    const_qualifier: Option<Node<'t>>,
    init: Option<Node<'t>>,
}

fn storage<'t>(decl: Node<'t>, src: &str) -> Vec<(&'static str, Node<'t>)> {
    let mut out = Vec::new();
    let mut c = decl.walk();
    for child in decl.children(&mut c) {
        if child.kind() == "storage_class_specifier" {
            let kw = match text(child, src) {
                "extern" => "extern",
                "static" => "static",
                "__thread" | "thread_local" => "thread",
                _ => "other",
            };
            out.push((kw, child));
        }
    }
    out
}

fn specifier_const(decl: Node, src: &str) -> bool {
    let mut c = decl.walk();
    let found = decl.children(&mut c).any(|ch| ch.kind() == "type_qualifier" && text(ch, src) == "const");
    found
}

fn analyze<'t>(decl: Node<'t>, node: Node<'t>, src: &str) -> Option<Declarator<'t>> {
    let (inner, init) = if node.kind() == "init_declarator" {
        (node.child_by_field_name("declarator")?, node.child_by_field_name("value"))
    } else {
        (node, None)
    };
    // The chain of declarator kinds from the outside in.
    let mut chain: Vec<Node> = Vec::new();
    let mut cur = inner;
    loop {
        match cur.kind() {
            "identifier" => break,
            "pointer_declarator" | "array_declarator" | "function_declarator" => {
                chain.push(cur);
                cur = cur.child_by_field_name("declarator")?;
            }
            "parenthesized_declarator" | "attributed_declarator" => {
                cur = cur.named_child(0)?;
            }
            _ => return None,
        }
    }
    let name_node = cur;
    let innermost = chain.last().map(|n| n.kind());
    let is_function = innermost == Some("function_declarator");
    // Const-ness of the object: the first pointer from the identifier out
    // decides; with none, the declaration's specifiers do.
    let first_ptr = chain.iter().rev().find(|n| n.kind() != "array_declarator");
    let mut const_qualifier = None;
    let is_const = match first_ptr {
        Some(p) if p.kind() == "pointer_declarator" => {
            let mut c = p.walk();
            const_qualifier = p.children(&mut c).find(|ch| ch.kind() == "type_qualifier" && text(*ch, src) == "const");
            const_qualifier.is_some()
        }
        Some(_) => false,
        None => specifier_const(decl, src),
    };
    let open_array = innermost == Some("array_declarator") && chain.last()?.child_by_field_name("size").is_none();
    Some(Declarator {
        node,
        inner,
        name: text(name_node, src).to_string(),
        name_node,
        is_function,
        is_const,
        open_array,
        const_qualifier,
        init,
    })
}

fn declarators<'t>(decl: Node<'t>, src: &str) -> Vec<Declarator<'t>> {
    let mut c = decl.walk();
    decl.children_by_field_name("declarator", &mut c).filter_map(|d| analyze(decl, d, src)).collect()
}

/// Identifiers an expression mentions outside `sizeof`/`_Alignof`.
fn referenced(n: Node, src: &str, out: &mut Vec<String>) {
    match n.kind() {
        "identifier" => out.push(text(n, src).to_string()),
        "sizeof_expression" | "alignof_expression" | "offsetof_expression" | "field_identifier" => {}
        _ => {
            let mut c = n.walk();
            for ch in n.children(&mut c) {
                referenced(ch, src, out);
            }
        }
    }
}

fn mentions_any(n: Node, src: &str, names: &HashSet<String>) -> bool {
    let mut ids = Vec::new();
    referenced(n, src, &mut ids);
    ids.iter().any(|i| names.contains(i))
}

/// Top-level elements of an initializer list (None with designators).
fn list_len(list: Node) -> Option<usize> {
    let mut c = list.walk();
    let mut n = 0;
    for ch in list.named_children(&mut c) {
        if ch.kind() == "initializer_pair" {
            return None;
        }
        if ch.kind() != "comment" {
            n += 1;
        }
    }
    Some(n)
}

/// Generated source on one line (line breaks become spaces), so inserting
/// it never moves the lines after it. Line markers inside copied source
/// (`# 281 "file.c" 3 4`, where a macro from a system header expanded) are
/// dropped: a marker is only valid at the start of a line.
fn one_line(s: &str) -> String {
    let is_marker = |l: &str| {
        let t = l.trim_start();
        t.strip_prefix('#').is_some_and(|r| r.trim_start().starts_with(|c: char| c.is_ascii_digit()))
    };
    let lines: Vec<&str> = s.split('\n').filter(|l| !is_marker(l)).collect();
    lines.join(" ")
}

/// Text edits on the original source.
#[derive(Default)]
struct Edits {
    /// start -> (end, replacement); inserts have start == end.
    at: BTreeMap<(usize, usize), String>,
}

impl Edits {
    /// Replaces `[start, end)`. The replacement keeps at least as many line
    /// breaks as the text it replaces, so line numbers in the compiler's
    /// messages stay right.
    fn replace(&mut self, src: &str, start: usize, end: usize, with: String) {
        let mut with = one_line(&with);
        with.extend(std::iter::repeat_n('\n', src[start..end].matches('\n').count()));
        self.at.insert((start, end), with);
    }

    /// Inserts generated text, on the current line.
    fn insert(&mut self, at: usize, with: String) {
        self.at.entry((at, at)).or_default().push_str(&one_line(&with));
    }

    fn apply(self, src: &str) -> String {
        let mut out = String::with_capacity(src.len() + 4096);
        let mut pos = 0;
        for ((s, e), with) in self.at {
            if s < pos {
                continue;
            }
            out.push_str(&src[pos..s]);
            out.push_str(&with);
            pos = e;
        }
        out.push_str(&src[pos..]);
        out
    }
}

/// A variable that becomes per-task, and how.
struct Target<'t> {
    decl: Node<'t>,
    d: Declarator<'t>,
    /// Its name in the output (renamed for hoisted statics).
    out_name: String,
    /// Defined here (registered) rather than only declared.
    defines: bool,
    already_tls: bool,
}

struct Pass<'s, 't> {
    src: &'s str,
    unit: &'s str,
    origins: &'s Origins,
    edits: Edits,
    inits: Vec<String>,
    globals: Vec<Global>,
    registered: HashSet<String>,
    _t: std::marker::PhantomData<&'t ()>,
}

impl<'s, 't> Pass<'s, 't> {
    fn err(&self, n: Node, what: &str) -> String {
        let file = self.origins.file_at(n.start_byte());
        format!("guestbuild: {what} (in {file}, preprocessed line {})", line_of(self.src, n.start_byte()))
    }

    /// Specifier text of a declaration: everything before its first
    /// declarator.
    fn specifiers(&self, decl: Node<'t>) -> &'s str {
        let mut c = decl.walk();
        let first = decl.children_by_field_name("declarator", &mut c).next();
        let end = first.map_or(decl.end_byte(), |f| f.start_byte());
        &self.src[decl.start_byte()..end]
    }

    /// Specifiers with `__thread` added after static/extern (or in front),
    /// optionally without top-level `const`.
    fn tls_specifiers(&self, decl: Node<'t>, drop_const: bool) -> String {
        let spec = self.specifiers(decl);
        let base = decl.start_byte();
        let mut out = String::new();
        let mut pos = 0;
        let mut inserted = false;
        let mut c = decl.walk();
        let mut marks: Vec<(usize, usize, &str)> = Vec::new();
        for ch in decl.children(&mut c) {
            if ch.start_byte() >= base + spec.len() {
                break;
            }
            match ch.kind() {
                "storage_class_specifier" if matches!(text(ch, self.src), "static" | "extern") => {
                    marks.push((ch.end_byte() - base, ch.end_byte() - base, " __thread"));
                    inserted = true;
                }
                "type_qualifier" if drop_const && text(ch, self.src) == "const" => {
                    marks.push((ch.start_byte() - base, ch.end_byte() - base, ""));
                }
                _ => {}
            }
        }
        if !inserted {
            out.push_str("__thread ");
        }
        for (s, e, with) in marks {
            out.push_str(&spec[pos..s]);
            out.push_str(with);
            pos = e;
        }
        out.push_str(&spec[pos..]);
        out
    }

    fn register_in_place(&mut self, name: &str, label_name: &str, at: Node) {
        let file = self.origins.file_at(at.start_byte());
        let short = file.rsplit('/').next().unwrap_or(file);
        self.registered.insert(name.to_string());
        self.globals.push(Global { name: name.to_string(), label: format!("{short}:{label_name}"), in_place: true });
    }

    fn register(&mut self, name: &str, label_name: &str, at: Node) {
        if self.registered.insert(name.to_string()) {
            let file = self.origins.file_at(at.start_byte());
            let short = file.rsplit('/').next().unwrap_or(file);
            self.globals.push(Global {
                name: name.to_string(),
                label: format!("{short}:{label_name}"),
                in_place: false,
            });
        }
    }

    /// A declarator's text with `renames` applied and the initializer left
    /// out; open arrays get their size from the initializer.
    fn declarator_text(&self, t: &Target<'t>, renames: &HashMap<String, String>) -> Result<String, String> {
        let mut out = self.rename_in(t.d.inner, renames);
        if let Some(q) = t.d.const_qualifier {
            // The object is assigned at run time, so it cannot stay const.
            let at = q.start_byte() - t.d.inner.start_byte();
            out.replace_range(at..at + (q.end_byte() - q.start_byte()), "");
        }
        if t.d.open_array {
            let init = t.d.init.ok_or_else(|| self.err(t.d.node, "array without size or initializer"))?;
            let n = if init.kind() == "initializer_list" {
                list_len(init).ok_or_else(|| {
                    self.err(
                        init,
                        "cannot size an array with designated initializers that must be made per-task at run time",
                    )
                })?
            } else {
                return Err(self.err(init, "cannot size an array initialized from a non-constant expression"));
            };
            let open = out.rfind("[]").ok_or_else(|| self.err(t.d.inner, "unexpected array declarator"))?;
            out.replace_range(open..open + 2, &format!("[{n}]"));
        }
        Ok(out)
    }

    /// Source text of `n` with identifiers renamed.
    fn rename_in(&self, n: Node<'t>, renames: &HashMap<String, String>) -> String {
        let mut edits = Vec::new();
        collect_renames(n, self.src, renames, &mut edits);
        let base = n.start_byte();
        let mut s = text(n, self.src).to_string();
        for (start, end, with) in edits.into_iter().rev() {
            s.replace_range(start - base..end - base, &with);
        }
        s
    }

    /// Emits a runtime initializer for `t` into the init function.
    fn runtime_init(&mut self, t: &Target<'t>, renames: &HashMap<String, String>) {
        let Some(init) = t.d.init else { return };
        let value = self.rename_in(init, renames);
        let name = &t.out_name;
        let stmt = if init.kind() == "initializer_list" {
            format!(
                "    {{ __typeof__({name}) __tvm_v = {value}; __builtin_memcpy(&{name}, &__tvm_v, sizeof {name}); }}\n"
            )
        } else {
            format!("    {name} = {value};\n")
        };
        self.inits.push(stmt);
    }
}

fn collect_renames(n: Node, src: &str, renames: &HashMap<String, String>, out: &mut Vec<(usize, usize, String)>) {
    if n.kind() == "identifier" {
        if let Some(to) = renames.get(text(n, src)) {
            out.push((n.start_byte(), n.end_byte(), to.clone()));
        }
        return;
    }
    let mut c = n.walk();
    for ch in n.children(&mut c) {
        collect_renames(ch, src, renames, out);
    }
}

/// Declarations with `static` or `extern` storage inside a function body.
fn block_declarations<'t>(n: Node<'t>, out: &mut Vec<Node<'t>>) {
    let mut c = n.walk();
    for ch in n.children(&mut c) {
        if ch.kind() == "declaration" {
            out.push(ch);
        } else if ch.kind() != "function_definition" {
            block_declarations(ch, out);
        }
    }
}

/// Type names (typedefs, struct/union/enum tags) defined inside `n`.
fn local_types(n: Node, src: &str, out: &mut HashSet<String>) {
    let mut c = n.walk();
    for ch in n.children(&mut c) {
        match ch.kind() {
            "type_definition" => {
                let mut cc = ch.walk();
                for d in ch.children_by_field_name("declarator", &mut cc) {
                    let mut ids = Vec::new();
                    type_ids(d, src, &mut ids);
                    out.extend(ids);
                }
                local_types(ch, src, out);
            }
            "struct_specifier" | "union_specifier" | "enum_specifier" if ch.child_by_field_name("body").is_some() => {
                if let Some(name) = ch.child_by_field_name("name") {
                    out.insert(text(name, src).to_string());
                }
                local_types(ch, src, out);
            }
            _ => local_types(ch, src, out),
        }
    }
}

/// The names of `f`'s parameters, of the objects its body declares
/// without `static` (`decls`, from `block_declarations`) and of the
/// enumeration constants its body defines.
fn function_locals(f: Node, decls: &[Node], src: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    let mut cur = f.child_by_field_name("declarator");
    while let Some(d) = cur {
        if d.kind() == "function_declarator" {
            if let Some(params) = d.child_by_field_name("parameters") {
                let mut c = params.walk();
                for p in params.named_children(&mut c).filter(|p| p.kind() == "parameter_declaration") {
                    if let Some(pd) = p.child_by_field_name("declarator").and_then(|pd| analyze(p, pd, src)) {
                        out.insert(pd.name);
                    }
                }
            }
            break;
        }
        cur = d
            .child_by_field_name("declarator")
            .or_else(|| d.named_child(0).filter(|_| d.kind() == "parenthesized_declarator"));
    }
    for decl in decls.iter().filter(|d| !storage(**d, src).iter().any(|(k, _)| *k == "static")) {
        out.extend(declarators(*decl, src).into_iter().map(|d| d.name));
    }
    if let Some(body) = f.child_by_field_name("body") {
        enumerators(body, src, &mut out);
    }
    out
}

/// The enumeration constants defined inside `n`.
fn enumerators(n: Node, src: &str, out: &mut HashSet<String>) {
    if n.kind() == "enumerator" {
        if let Some(name) = n.child_by_field_name("name") {
            out.insert(text(name, src).to_string());
        }
    }
    let mut c = n.walk();
    for ch in n.children(&mut c) {
        enumerators(ch, src, out);
    }
}

fn type_ids(n: Node, src: &str, out: &mut Vec<String>) {
    if n.kind() == "type_identifier" || n.kind() == "identifier" {
        out.push(text(n, src).to_string());
    }
    let mut c = n.walk();
    for ch in n.children(&mut c) {
        type_ids(ch, src, out);
    }
}

fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).filter(|w| !w.is_empty())
}

/// Transforms one preprocessed unit. `id` names the unit's symbols;
/// `is_guest` says whether a file (from the line markers) is the guest's
/// own source.
pub fn transform(src: &str, id: &str, is_guest: &dyn Fn(&str) -> bool) -> Result<Unit, String> {
    let (blank, origins) = scan_markers(src);
    let mut parser = Parser::new();
    parser.set_language(&tree_sitter_c::LANGUAGE.into()).map_err(|e| e.to_string())?;
    let tree = parser.parse(&blank, None).ok_or("guestbuild: the C parser gave up")?;
    let root = tree.root_node();
    let guest = |n: Node| is_guest(origins.file_at(n.start_byte()));

    // Variables the system headers declare: the C library's own.
    let mut system_vars: HashSet<String> = HashSet::new();
    let mut c = root.walk();
    let top: Vec<Node> = root.children(&mut c).collect();
    for n in &top {
        if n.kind() == "declaration" && !guest(*n) {
            for d in declarators(*n, &blank) {
                if !d.is_function {
                    system_vars.insert(d.name);
                }
            }
        }
    }

    let mut pass = Pass {
        src,
        unit: id,
        origins: &origins,
        edits: Edits::default(),
        inits: Vec::new(),
        globals: Vec::new(),
        registered: HashSet::new(),
        _t: std::marker::PhantomData,
    };

    // A K&R-style definition (`int f(a) int a; { ... }`) does not parse as
    // one: its parameter declarations would read as globals and its body's
    // statics would be missed. The body shows up as a block at file scope,
    // which no valid C has.
    if let Some(b) = top.iter().find(|n| n.kind() == "compound_statement" && guest(**n)) {
        return Err(pass.err(*b, "a K&R-style function definition (parameters declared between `)` and `{`) is not supported: define it with a prototype"));
    }

    // File-scope targets, and const objects that may still need to be.
    let mut targets: Vec<Target> = Vec::new();
    let mut const_candidates: Vec<Target> = Vec::new();
    for n in top.iter().filter(|n| n.kind() == "declaration" && guest(**n)) {
        let st = storage(*n, &blank);
        let is_extern = st.iter().any(|(k, _)| *k == "extern");
        let already_tls = st.iter().any(|(k, _)| *k == "thread") || text(*n, &blank).contains("_Thread_local");
        for d in declarators(*n, &blank) {
            if d.is_function || (is_extern && system_vars.contains(&d.name)) {
                continue;
            }
            let t = Target { decl: *n, out_name: d.name.clone(), defines: !is_extern, already_tls, d };
            if t.d.is_const && !already_tls {
                const_candidates.push(t);
            } else {
                targets.push(t);
            }
        }
    }
    let mut tls: HashSet<String> = targets.iter().map(|t| t.d.name.clone()).collect();

    // Function-level statics (hoisted and renamed) and block-scope externs.
    struct Hoist<'t> {
        func: Node<'t>,
        body: Node<'t>,
        targets: Vec<Target<'t>>,
        renames: HashMap<String, String>,
        remove: Vec<Node<'t>>,
    }
    let mut hoists: Vec<Hoist> = Vec::new();
    let mut counter = 0usize;
    for f in top.iter().filter(|n| n.kind() == "function_definition" && guest(**n)) {
        let Some(body) = f.child_by_field_name("body") else { continue };
        let mut decls = Vec::new();
        block_declarations(body, &mut decls);
        let mut h = Hoist { func: *f, body, targets: Vec::new(), renames: HashMap::new(), remove: Vec::new() };
        let mut types = HashSet::new();
        local_types(body, &blank, &mut types);
        let locals = function_locals(*f, &decls, &blank);
        // Names declared more than once in the function (a static in each
        // of two blocks, a local shadowing a static): renaming by name
        // would mix them up, so such statics stay where they are.
        let mut declared: HashMap<String, usize> = HashMap::new();
        for decl in &decls {
            for d in declarators(*decl, &blank) {
                *declared.entry(d.name).or_default() += 1;
            }
        }
        let fname = f
            .child_by_field_name("declarator")
            .and_then(|d| analyze(*f, d, &blank))
            .map_or_else(|| "fn".to_string(), |d| d.name);
        for decl in decls {
            let st = storage(decl, &blank);
            let is_static = st.iter().any(|(k, _)| *k == "static");
            let is_extern = st.iter().any(|(k, _)| *k == "extern");
            let already_tls = st.iter().any(|(k, _)| *k == "thread");
            if is_extern {
                for d in declarators(decl, &blank) {
                    if !d.is_function && !system_vars.contains(&d.name) && !already_tls {
                        let at = st
                            .iter()
                            .find(|(k, _)| *k == "extern")
                            .map(|(_, n)| n.end_byte())
                            .unwrap_or(decl.start_byte());
                        pass.edits.insert(at, " __thread".into());
                    }
                }
                continue;
            }
            if !is_static {
                continue;
            }
            let ds = declarators(decl, &blank);
            let vars: Vec<_> = ds.into_iter().filter(|d| !d.is_function).collect();
            if vars.is_empty() {
                continue;
            }
            let spec = pass.specifiers(decl);
            let mentions_local = |n: Node| {
                let mut ids = Vec::new();
                type_ids(n, &blank, &mut ids);
                ids.iter().any(|i| locals.contains(i))
            };
            if words(spec).any(|w| types.contains(w))
                || vars.iter().any(|d| {
                    mentions_local(d.inner)
                        || d.init.is_some_and(mentions_local)
                        || declared.get(&d.name).is_some_and(|n| *n > 1)
                        || locals.contains(&d.name)
                })
            {
                // Its type exists only inside the function, or its type or
                // initializer names a parameter or local (`char
                // buf[sizeof(n) * 3]`), or its name is declared twice in
                // the function, so it cannot move out: it becomes
                // thread-local where it is, under an assembler name file
                // scope can use, and records its size in an absolute
                // symbol (`.set` may repeat if the function is duplicated
                // by inlining).
                if !already_tls {
                    if let Some((_, kw)) = st.iter().find(|(k, _)| *k == "static") {
                        pass.edits.insert(kw.end_byte(), " __thread".into());
                    }
                }
                let mut sizes = String::new();
                for d in vars {
                    counter += 1;
                    let out_name = format!("__tvm_s_{fname}_{}_{counter}", d.name);
                    pass.edits.insert(d.inner.end_byte(), format!(" __asm__(\"{out_name}\")"));
                    let _ = write!(
                        sizes,
                        " __asm__ volatile(\".set {out_name}__size, %c0\" :: \"i\"(sizeof({})));",
                        d.name
                    );
                    pass.register_in_place(&out_name, &d.name, d.name_node);
                }
                pass.edits.insert(decl.end_byte(), sizes);
                continue;
            }
            for d in vars {
                counter += 1;
                let out_name = format!("__tvm_s_{fname}_{}_{counter}", d.name);
                h.renames.insert(d.name.clone(), out_name.clone());
                h.targets.push(Target { decl, out_name, defines: true, already_tls, d });
            }
            h.remove.push(decl);
        }
        if !h.targets.is_empty() {
            for t in &h.targets {
                tls.insert(t.out_name.clone());
            }
            hoists.push(h);
        }
    }

    // A const object whose initializer needs a per-task address becomes
    // per-task itself (to a fixed point).
    loop {
        let before = const_candidates.len();
        let mut keep = Vec::new();
        for t in const_candidates {
            if t.d.init.is_some_and(|i| mentions_any(i, &blank, &tls)) {
                tls.insert(t.d.name.clone());
                targets.push(t);
            } else {
                keep.push(t);
            }
        }
        const_candidates = keep;
        if const_candidates.len() == before {
            break;
        }
    }

    // Names whose initializers mention hoisted statics are compared by
    // their output names; build the file-scope view of those.
    let no_renames = HashMap::new();

    // File-scope declarations, one rewrite per declaration.
    let mut by_decl: BTreeMap<usize, Vec<&Target>> = BTreeMap::new();
    for t in &targets {
        by_decl.entry(t.decl.start_byte()).or_default().push(t);
    }
    for ts in by_decl.values() {
        let decl = ts[0].decl;
        let all = declarators(decl, &blank);
        let needs_runtime = |t: &Target| !t.already_tls && t.d.init.is_some_and(|i| mentions_any(i, &blank, &tls));
        let uniform = all.len() == ts.len() && ts.iter().all(|t| !needs_runtime(t) && !t.d.is_const);
        for t in ts {
            if t.defines {
                pass.register(&t.out_name, &t.d.name, t.d.name_node);
            }
        }
        if ts[0].already_tls {
            continue;
        }
        if uniform {
            let st = storage(decl, &blank);
            match st.iter().find(|(k, _)| *k == "static" || *k == "extern") {
                Some((_, kw)) => pass.edits.insert(kw.end_byte(), " __thread".into()),
                None => pass.edits.insert(decl.start_byte(), "__thread ".into()),
            }
            continue;
        }
        // Rewrite the declaration as one declaration per declarator.
        let spec = pass.specifiers(decl);
        if words(spec).any(|w| w == "struct" || w == "union" || w == "enum") && spec.contains('{') && all.len() > 1 {
            return Err(pass.err(decl, "cannot split a declaration that defines an anonymous type"));
        }
        let mut out = String::new();
        for d in &all {
            match ts.iter().find(|t| t.d.node.id() == d.node.id()) {
                Some(t) if needs_runtime(t) => {
                    let _ = write!(
                        out,
                        "{}{};",
                        pass.tls_specifiers(decl, t.d.is_const),
                        pass.declarator_text(t, &no_renames)?
                    );
                    pass.runtime_init(t, &no_renames);
                }
                Some(t) => {
                    let _ = write!(out, "{}{};", pass.tls_specifiers(decl, false), text(t.d.node, src));
                }
                None => {
                    let _ = write!(out, "{spec}{};", text(d.node, src));
                }
            }
        }
        pass.edits.replace(src, decl.start_byte(), decl.end_byte(), out);
    }

    // Hoisted statics: declared before their function, renamed inside it.
    for h in &hoists {
        let mut hoisted = String::new();
        for t in &h.targets {
            let runtime = t.d.init.is_some_and(|i| {
                mentions_any(i, &blank, &tls) || mentions_any(i, &blank, &h.renames.keys().cloned().collect())
            });
            let spec = if t.already_tls {
                pass.specifiers(t.decl).to_string()
            } else {
                pass.tls_specifiers(t.decl, t.d.is_const && runtime)
            };
            let decl_text = pass.rename_in(t.d.inner, &h.renames);
            if runtime {
                let sized = pass.declarator_text(t, &h.renames)?;
                let _ = write!(hoisted, "{spec}{sized}; ");
                pass.runtime_init(t, &h.renames);
            } else {
                let init = t.d.init.map(|i| format!(" = {}", pass.rename_in(i, &h.renames))).unwrap_or_default();
                let _ = write!(hoisted, "{spec}{decl_text}{init}; ");
            }
            pass.register(&t.out_name, &t.d.name, t.d.name_node);
        }
        pass.edits.insert(h.func.start_byte(), hoisted);
        for decl in &h.remove {
            pass.edits.replace(src, decl.start_byte(), decl.end_byte(), String::new());
        }
        // Rename uses in the body, outside the removed declarations.
        let mut uses = Vec::new();
        collect_renames(h.body, &blank, &h.renames, &mut uses);
        for (s, e, with) in uses {
            if !h.remove.iter().any(|d| d.start_byte() <= s && e <= d.end_byte()) {
                pass.edits.replace(src, s, e, with);
            }
        }
    }

    let globals = pass.globals.clone();
    let has_init = !pass.inits.is_empty();
    let mut text_out = std::mem::take(&mut pass.edits).apply(src);
    text_out.push_str(&registration(pass.unit, &globals, &pass.inits));
    Ok(Unit { text: text_out, globals, has_init })
}

/// The C code appended to a unit: getters, the init function, the table.
fn registration(id: &str, globals: &[Global], inits: &[String]) -> String {
    let mut out = String::from("\n/* guestbuild: per-task globals of this unit */\n");
    // The runtime calls every getter of every program once at start
    // (`programs::tls_layout`): on ELF they share one section, which the
    // linker places with the other `.text.hot` code, so those calls touch
    // a few pages of code instead of one in every unit of every guest.
    // (The unit is compiled preprocessed: no #if here.)
    let apple = std::env::var("CARGO_CFG_TARGET_VENDOR").is_ok_and(|v| v == "apple");
    let section = if apple { "" } else { "__attribute__((section(\".text.hot.tvm_getters\"))) " };
    for (i, g) in globals.iter().enumerate() {
        if g.in_place {
            let _ = writeln!(out, "extern __thread unsigned char {0}[]; extern const char {0}__size[];", g.name);
        }
        let _ = writeln!(out, "{section}static void *__tvm_addr_{i}(void) {{ return (void *)&{}; }}", g.name);
    }
    if !inits.is_empty() {
        // The initializers were written for file scope, where C is quieter
        // about partial aggregates than for the locals they become here.
        out.push_str("#pragma GCC diagnostic push\n");
        out.push_str("#pragma GCC diagnostic ignored \"-Wmissing-field-initializers\"\n");
        out.push_str("#pragma GCC diagnostic ignored \"-Wmissing-braces\"\n");
        let _ = writeln!(out, "void {}(void) {{", Unit::init_symbol(id));
        for s in inits {
            out.push_str(s);
        }
        out.push_str("}\n#pragma GCC diagnostic pop\n");
    }
    if !globals.is_empty() {
        let _ = writeln!(out, "const struct tvm_global {}[{}] = {{", Unit::globals_symbol(id), globals.len());
        for (i, g) in globals.iter().enumerate() {
            let size =
                if g.in_place { format!("(unsigned long){}__size", g.name) } else { format!("sizeof({})", g.name) };
            let _ = writeln!(out, "    {{ __tvm_addr_{i}, {size}, {:?} }},", g.label);
        }
        out.push_str("};\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    const GUEST: &str = "/guest/unit.c";

    /// Wraps guest code in line markers, after a fake system header.
    fn unit(system: &str, guest: &str) -> String {
        format!("# 1 \"/usr/include/sys.h\" 1 3 4\n{system}\n# 1 \"{GUEST}\"\n{guest}\n")
    }

    fn run(system: &str, guest: &str) -> Unit {
        transform(&unit(system, guest), "t", &|f| f == GUEST).expect("transform succeeds")
    }

    /// Compiles the transformed unit plus `driver` (C code with main) and
    /// runs it; returns its stdout.
    fn build_and_run(u: &Unit, driver: &str) -> String {
        let tmp = harness::TestDir::new("guestbuild-globals").unwrap();
        let dir = tmp.path();
        let c = dir.join("unit.c");
        let prelude = "struct tvm_global { void *(*addr)(void); unsigned long size; const char *name; };\n";
        std::fs::write(&c, format!("{prelude}{}\n{driver}\n", u.text)).unwrap();
        let exe = dir.join("a.out");
        let out = Command::new("cc").args(["-Wall", "-Werror", "-o"]).arg(&exe).arg(&c).output().expect("cc runs");
        assert!(out.status.success(), "compile failed:\n{}\n{}", String::from_utf8_lossy(&out.stderr), u.text);
        let run = Command::new(&exe).output().expect("runs");
        assert!(run.status.success(), "program failed: {}", String::from_utf8_lossy(&run.stderr));
        String::from_utf8(run.stdout).unwrap()
    }

    fn names(u: &Unit) -> Vec<&str> {
        u.globals.iter().map(|g| g.name.as_str()).collect()
    }

    #[test]
    fn file_scope_variables_become_thread_local_and_registered() {
        let u = run("", "int a, *b, c[4];\nstatic long d = 5;\nchar *e[] = { \"x\", \"y\" };\nint f(void);\n");
        assert!(u.text.contains("__thread int a, *b, c[4];"), "{}", u.text);
        assert!(u.text.contains("static __thread long d = 5;"));
        assert!(u.text.contains("__thread char *e[] = { \"x\", \"y\" };"));
        assert_eq!(names(&u), ["a", "b", "c", "d", "e"]);
        assert!(!u.has_init);
        assert!(u.text.contains("const struct tvm_global __tvm_globals_t[5]"));
        assert!(u.text.contains("sizeof(e), \"unit.c:e\""));
    }

    #[test]
    fn const_objects_and_functions_are_left_alone() {
        let u = run("", "const int k = 3;\nconst char *const names[] = { \"a\" };\nconst char *p = \"s\";\nchar *const q = 0;\nint f(int), (*fp)(int);\n");
        assert!(u.text.contains("\nconst int k = 3;"));
        assert!(u.text.contains("\nconst char *const names[]"));
        assert!(u.text.contains("\n__thread const char *p"), "pointer to const is writable: {}", u.text);
        assert!(u.text.contains("\nchar *const q"));
        assert_eq!(names(&u), ["p", "fp"]);
        assert!(u.text.contains("__thread int (*fp)(int);"), "function pointer is a variable: {}", u.text);
        assert!(u.text.contains("int f(int);"));
    }

    #[test]
    fn externs_from_system_headers_stay_shared() {
        let u = run(
            "extern int optind_like;\nextern char *sys_thing;",
            "extern int optind_like;\nextern int mine;\nint mine = 1;\n",
        );
        assert!(u.text.contains("\nextern int optind_like;"));
        assert!(u.text.contains("extern __thread int mine;"));
        assert!(u.text.contains("__thread int mine = 1;"));
        assert_eq!(names(&u), ["mine"]);
    }

    #[test]
    fn structs_and_several_declarators() {
        let u = run(
            "",
            "struct s { int x; struct s *next; };\nstruct s one = { 1, 0 }, two = { 2, &one };\nstatic struct { int y; } anon;\n",
        );
        assert!(u.has_init, "two's initializer takes one's address");
        assert_eq!(names(&u), ["one", "two", "anon"]);
        let out = build_and_run(
            &u,
            "#include <stdio.h>\nint main(void) { __tvm_init_t(); printf(\"%d %d %d\\n\", two.next == &one, two.next->x, anon.y); return 0; }",
        );
        assert_eq!(out, "1 1 0\n");
    }

    #[test]
    fn runtime_initializers_for_addresses_of_per_task_variables() {
        let u = run(
            "",
            "int x = 7, arr[3] = {1, 2, 3};\nint *px = &x;\nint *parr[] = { &x, arr, &arr[2] };\nconst int *const cp = &x;\nstatic char buf[8], *cur = buf + 2;\n",
        );
        assert!(u.has_init);
        assert!(u.text.contains("__thread int *parr[3];"), "open array sized from its initializer: {}", u.text);
        let out = build_and_run(
            &u,
            "#include <stdio.h>\nint main(void) { __tvm_init_t(); printf(\"%d %d %d %d %d\\n\", *px, *parr[0], parr[1][1], *parr[2], *cp); printf(\"%d\\n\", (int)(cur - buf)); return 0; }",
        );
        assert_eq!(out, "7 7 2 3 7\n2\n");
        assert!(names(&u).contains(&"cp"), "a const pointer to per-task data is per-task");
    }

    #[test]
    fn function_level_statics_are_hoisted_and_renamed() {
        let u = run(
            "",
            "int counter(void) {\n  static int n;\n  static int *pn = &n;\n  int other = 0;\n  { static const char *tag = \"t\"; (void)tag; }\n  return ++*pn + other + n * 0;\n}\nint n = 100;\nint get(void) { return n; }\n",
        );
        let hoisted: Vec<_> = names(&u).into_iter().filter(|n| n.starts_with("__tvm_s_counter_")).collect();
        assert_eq!(hoisted.len(), 3, "{:?}", names(&u));
        assert!(names(&u).contains(&"n"));
        let out = build_and_run(
            &u,
            "#include <stdio.h>\nint main(void) { __tvm_init_t(); counter(); counter(); printf(\"%d %d\\n\", counter(), get()); return 0; }",
        );
        assert_eq!(out, "3 100\n", "the static counts, and the file-scope n is another variable");
    }

    #[test]
    fn statics_naming_a_parameter_or_local_enumerator_stay_in_their_function() {
        // less's signal_message: `static char buf[... sizeof(sig) ...]`
        // cannot move to file scope, where `sig` is unknown; nor can xz's
        // option table, which names the function's own enumerators.
        let u = run(
            "",
            "char *msg(int sig) {\n  enum { BASE = 'a' };\n  static char buf[8 + sizeof(sig) * 3];\n  static const int first[] = { BASE };\n  buf[0] = first[0] + sig; buf[1] = 0;\n  return buf;\n}\n",
        );
        assert!(names(&u).iter().any(|n| n.starts_with("__tvm_s_msg_buf_")), "{:?}", names(&u));
        let out = build_and_run(
            &u,
            "#include <stdio.h>\nchar *msg(int);\nint main(void) { char *a = msg(1); msg(2); printf(\"%s\\n\", a); return 0; }",
        );
        assert_eq!(out, "c\n", "one buffer, kept across calls");
    }

    #[test]
    fn statics_of_one_name_in_two_blocks_stay_apart() {
        // xz's parse_real: a `static const ... types[]` in two switch cases.
        let u = run(
            "",
            "int pick(int c) {\n  if (c) { static int t[] = { 1, 2 }; t[0]++; return t[0]; }\n  else { static int t[] = { 10 }; t[0]++; return t[0]; }\n}\n",
        );
        let out = build_and_run(
            &u,
            "#include <stdio.h>\nint pick(int);\nint main(void) { int a = pick(1); int b = pick(0); int c = pick(1); printf(\"%d %d %d\\n\", a, b, c); return 0; }",
        );
        assert_eq!(out, "2 11 3\n", "two objects, each kept across calls");
    }

    #[test]
    fn line_numbers_are_kept() {
        let src = "int f(void) {\n  static int\n     a;\n  return a;\n}\n";
        let u = run("", src);
        let before: Vec<_> = unit("", src).lines().map(str::to_string).collect();
        let after: Vec<_> = u.text.lines().take(before.len()).map(str::to_string).collect();
        assert_eq!(after.len(), before.len());
        assert!(after.iter().any(|l| l.contains("return __tvm_s_f_a_")));
        let ret_before = before.iter().position(|l| l.contains("return a;")).unwrap();
        assert!(after[ret_before].contains("return __tvm_s_f_a_"), "the return stays on its line");
    }

    #[test]
    fn already_thread_local_variables_are_registered_only() {
        let u = run("", "__thread int t = 1;\nstatic _Thread_local int u;\n");
        assert!(u.text.contains("\n__thread int t = 1;"));
        assert!(!u.text.contains("__thread __thread"));
        assert_eq!(names(&u), ["t", "u"]);
    }

    #[test]
    fn block_scope_externs_of_guest_variables_become_thread_local() {
        let u = run(
            "extern int libc_var;",
            "int g;\nint f(void) { extern int g; extern int libc_var; return g + libc_var; }\n",
        );
        assert!(u.text.contains("extern __thread int g;"));
        assert!(u.text.contains("extern int libc_var; return"));
    }

    #[test]
    fn statics_of_function_local_types_stay_in_place_and_are_registered() {
        // As toybox's bufgetpwnamuid: a static pointer to a local struct,
        // and a static of a local struct type by value.
        let u = run(
            "",
            "int f(void) { struct local { struct local *next; int x[5]; } *l = 0; static struct local *head; static struct local s; \
             if (!head) head = &s; s.x[0]++; (void)l; return s.x[0]; }\n",
        );
        assert!(u.text.contains("static __thread struct local *head __asm__(\"__tvm_s_f_head_1\")"), "{}", u.text);
        assert_eq!(u.globals.len(), 2);
        assert!(u.globals.iter().all(|g| g.in_place));
        let out = build_and_run(
            &u,
            "#include <stdio.h>\nextern const struct tvm_global __tvm_globals_t[];\n\
             int main(void) { f(); f(); for (int i = 0; i < 2; i++) printf(\"%lu \", __tvm_globals_t[i].size);\n\
             int *x = (int *)((char *)__tvm_globals_t[1].addr() + sizeof(void *)); int before = *x;\n\
             printf(\"%d %d\", before, f()); return 0; }",
        );
        assert_eq!(out, "8 32 2 3");
    }

    #[test]
    fn hoisted_initializers_lose_their_line_markers() {
        // A static whose initializer used macros from a system header: the
        // preprocessor put line markers inside it.
        let src = unit(
            "",
            "int f(void) { static unsigned a[] = {\n# 281 \"/guest/unit.c\" 3 4\n 2\n# 281 \"/guest/unit.c\"\n , 4 }; return a[1]; }\n",
        );
        let u = transform(&src, "t", &|f| f == GUEST).unwrap();
        let hoisted = u.text.lines().find(|l| l.contains("__tvm_s_f_a_1[] =")).unwrap();
        assert!(!hoisted.contains('#'), "{hoisted}");
        assert_eq!(build_and_run(&u, "#include <stdio.h>\nint main(void) { printf(\"%d\", f()); return 0; }"), "4");
    }

    #[test]
    fn unsupported_constructs_stop_with_a_message() {
        let e = transform(&unit("", "int x;\nint *tab[] = { [2] = &x };\n"), "t", &|f| f == GUEST).unwrap_err();
        assert!(e.contains("designated"), "{e}");
    }

    #[test]
    fn knr_definitions_stop_the_build() {
        let knr = "typedef struct s *gzFile;\nconst char *f(file, n)\n    gzFile file;\n    int *n;\n{\n    static int calls;\n    return (const char *)file + *n + calls++;\n}\n";
        let e = transform(&unit("", knr), "t", &|f| f == GUEST).expect_err("K&R is refused");
        assert!(e.contains("K&R-style function definition") && e.contains("unit.c"), "{e}");
    }
}
