//! A minimal DOM for html5ever's tree builder: just what text extraction needs.
//!
//! html5ever parses to any [`TreeSink`]. The sink here keeps nodes behind `Rc` with weak
//! parent links, so there are no reference cycles, and it drops deep trees iteratively, so
//! hostile input nested a hundred thousand levels deep cannot overflow the stack.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use html5ever::interface::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::tendril::StrTendril;
use html5ever::{Attribute, QualName};

pub(crate) type Handle = Rc<Node>;

pub(crate) enum NodeData {
    Document,
    Text(RefCell<StrTendril>),
    Element { name: QualName, attrs: RefCell<Vec<Attribute>>, template_contents: Option<Handle> },
    /// Comments, doctypes and processing instructions: kept as nodes so the tree builder's
    /// bookkeeping works, never read.
    Other,
}

pub(crate) struct Node {
    pub(crate) data: NodeData,
    parent: RefCell<Weak<Node>>,
    pub(crate) children: RefCell<Vec<Handle>>,
}

impl Node {
    fn new(data: NodeData) -> Handle {
        Rc::new(Node { data, parent: RefCell::new(Weak::new()), children: RefCell::new(Vec::new()) })
    }

    pub(crate) fn element_name(&self) -> Option<&str> {
        match &self.data {
            NodeData::Element { name, .. } => Some(&name.local),
            _ => None,
        }
    }

    pub(crate) fn attr(&self, wanted: &str) -> Option<String> {
        match &self.data {
            NodeData::Element { attrs, .. } => {
                attrs.borrow().iter().find(|a| &*a.name.local == wanted).map(|a| a.value.to_string())
            }
            _ => None,
        }
    }

    pub(crate) fn attrs(&self) -> Vec<(String, String)> {
        match &self.data {
            NodeData::Element { attrs, .. } => {
                attrs.borrow().iter().map(|a| (a.name.local.to_string(), a.value.to_string())).collect()
            }
            _ => Vec::new(),
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        // Iterative teardown: move grandchildren up to this loop instead of recursing.
        let mut stack: Vec<Handle> = std::mem::take(self.children.get_mut());
        while let Some(node) = stack.pop() {
            if let Ok(mut node) = Rc::try_unwrap(node) {
                stack.append(node.children.get_mut());
                if let NodeData::Element { template_contents: Some(t), .. } = &mut node.data {
                    stack.push(t.clone());
                }
            }
        }
    }
}

fn detach(node: &Handle) {
    let parent = node.parent.replace(Weak::new());
    if let Some(parent) = parent.upgrade() {
        parent.children.borrow_mut().retain(|c| !Rc::ptr_eq(c, node));
    }
}

fn append_child(parent: &Handle, child: Handle) {
    detach(&child);
    *child.parent.borrow_mut() = Rc::downgrade(parent);
    parent.children.borrow_mut().push(child);
}

pub(crate) struct Sink {
    document: Handle,
    errors: Cell<usize>,
    saw_doctype: Cell<bool>,
}

impl Sink {
    pub(crate) fn new() -> Sink {
        Sink { document: Node::new(NodeData::Document), errors: Cell::new(0), saw_doctype: Cell::new(false) }
    }

    /// Appends text to `previous` if it is a text node, as browsers merge adjacent text.
    fn merge_text(previous: Option<&Handle>, text: &StrTendril) -> bool {
        if let Some(prev) = previous {
            if let NodeData::Text(contents) = &prev.data {
                contents.borrow_mut().push_tendril(text);
                return true;
            }
        }
        false
    }
}

impl TreeSink for Sink {
    type Handle = Handle;
    type Output = (Handle, usize);
    type ElemName<'a> = &'a QualName;

    /// The tree and the number of syntax errors a person would care about. A missing
    /// `<!DOCTYPE>` is one parse error by the standard, but articles are mostly fragments,
    /// so that one is not counted.
    fn finish(self) -> (Handle, usize) {
        let errors = self.errors.get();
        (self.document, if self.saw_doctype.get() { errors } else { errors.saturating_sub(1) })
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {
        self.errors.set(self.errors.get() + 1);
    }

    fn get_document(&self) -> Handle {
        self.document.clone()
    }

    fn elem_name<'a>(&'a self, target: &'a Handle) -> &'a QualName {
        match &target.data {
            NodeData::Element { name, .. } => name,
            // The tree builder only asks for names of elements it created.
            _ => unreachable!("html5ever asked for the name of a non-element"),
        }
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> Handle {
        let template_contents = flags.template.then(|| Node::new(NodeData::Document));
        Node::new(NodeData::Element { name, attrs: RefCell::new(attrs), template_contents })
    }

    fn create_comment(&self, _text: StrTendril) -> Handle {
        Node::new(NodeData::Other)
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> Handle {
        Node::new(NodeData::Other)
    }

    fn append(&self, parent: &Handle, child: NodeOrText<Handle>) {
        match child {
            NodeOrText::AppendNode(node) => append_child(parent, node),
            NodeOrText::AppendText(text) => {
                if !Sink::merge_text(parent.children.borrow().last(), &text) {
                    append_child(parent, Node::new(NodeData::Text(RefCell::new(text))));
                }
            }
        }
    }

    fn append_based_on_parent_node(&self, element: &Handle, prev_element: &Handle, child: NodeOrText<Handle>) {
        if element.parent.borrow().upgrade().is_some() {
            self.append_before_sibling(element, child)
        } else {
            self.append(prev_element, child)
        }
    }

    fn append_doctype_to_document(&self, _name: StrTendril, _public_id: StrTendril, _system_id: StrTendril) {
        self.saw_doctype.set(true);
        append_child(&self.document, Node::new(NodeData::Other));
    }

    fn get_template_contents(&self, target: &Handle) -> Handle {
        match &target.data {
            NodeData::Element { template_contents: Some(t), .. } => t.clone(),
            _ => unreachable!("html5ever asked for the contents of a non-template"),
        }
    }

    fn same_node(&self, x: &Handle, y: &Handle) -> bool {
        Rc::ptr_eq(x, y)
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &Handle, child: NodeOrText<Handle>) {
        let Some(parent) = sibling.parent.borrow().upgrade() else { return };
        let index = parent.children.borrow().iter().position(|c| Rc::ptr_eq(c, sibling)).unwrap_or(0);
        let node = match child {
            NodeOrText::AppendText(text) => {
                let merged = index > 0 && Sink::merge_text(parent.children.borrow().get(index - 1), &text);
                if merged {
                    return;
                }
                Node::new(NodeData::Text(RefCell::new(text)))
            }
            NodeOrText::AppendNode(node) => node,
        };
        detach(&node);
        // Detaching may have shifted the sibling; look it up again.
        let index = parent.children.borrow().iter().position(|c| Rc::ptr_eq(c, sibling)).unwrap_or(0);
        *node.parent.borrow_mut() = Rc::downgrade(&parent);
        parent.children.borrow_mut().insert(index, node);
    }

    fn add_attrs_if_missing(&self, target: &Handle, new: Vec<Attribute>) {
        if let NodeData::Element { attrs, .. } = &target.data {
            let mut attrs = attrs.borrow_mut();
            for attr in new {
                if !attrs.iter().any(|a| a.name == attr.name) {
                    attrs.push(attr);
                }
            }
        }
    }

    fn remove_from_parent(&self, target: &Handle) {
        detach(target);
    }

    fn reparent_children(&self, node: &Handle, new_parent: &Handle) {
        let children = std::mem::take(&mut *node.children.borrow_mut());
        for child in children {
            *child.parent.borrow_mut() = Weak::new();
            append_child(new_parent, child);
        }
    }
}
