// The pieces of CodeMirror 6 that ppkg's query page uses, bundled into one ES module.
export { EditorView, keymap, lineNumbers, drawSelection, highlightActiveLine, placeholder } from "@codemirror/view";
export { EditorState } from "@codemirror/state";
export {
  StreamLanguage, syntaxHighlighting, defaultHighlightStyle, bracketMatching, indentOnInput,
} from "@codemirror/language";
export { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
export { sparql } from "@codemirror/legacy-modes/mode/sparql";
