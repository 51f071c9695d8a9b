/* The role-play's condition language and variable effects: the JavaScript twin of
 * xblocks/roleplay/conditions.py (same grammar, same trees, same messages and positions; the
 * vectors in tests/vectors/roleplay/conditions/ hold the two equal). Never uses eval.
 */
(function (global) {
  "use strict";

  var MAX_LENGTH = 400, MAX_DEPTH = 24, MAX_NUMBER = 9999;
  var KEYWORDS = ["and", "or", "not", "true", "false"];
  var COMPARISONS = ["==", "!=", "<=", ">=", "<", ">"];
  var TOKEN = /\s*(?:(-?\d+)|([A-Za-z][A-Za-z0-9_-]*)|(==|!=|<=|>=|<|>|\(|\)|=)|(\S))/y;
  var EFFECT = /^([A-Za-z][A-Za-z0-9_-]*?)(=|\+=|-=)(-?\d+|true|false)$/;

  function ConditionError(message, position) {
    this.message = message;
    this.position = position;
  }

  function fail(message, position) { throw new ConditionError(message, position); }

  function tokens(text) {
    var found = [], at = 0;
    for (;;) {
      TOKEN.lastIndex = at;
      var match = TOKEN.exec(text);
      if (!match) { found.push(["end", "", text.length]); return found; }
      var kind = match[1] !== undefined ? "num" : match[2] !== undefined ? "name" : match[3] !== undefined ? "op" : "bad";
      var word = match[1] !== undefined ? match[1] : match[2] !== undefined ? match[2] : match[3] !== undefined ? match[3] : match[4];
      var position = match.index + match[0].length - word.length;
      if (kind === "bad") { fail("unexpected character '" + word + "'", position); }
      if (kind === "op" && word === "=") { fail("'=' sets a variable; to compare, write '=='", position); }
      if (kind === "name" && KEYWORDS.indexOf(word) >= 0) { kind = "keyword"; }
      found.push([kind, word, position]);
      at = TOKEN.lastIndex;
    }
  }

  function parse(text, variables) {
    if (typeof text !== "string" || !text.trim()) { fail("the condition is empty", 0); }
    if (text.length > MAX_LENGTH) { fail("the condition is longer than " + MAX_LENGTH + " characters", MAX_LENGTH); }
    var list = tokens(text), at = 0;
    var vars = variables || null;

    function peek() { return list[at]; }
    function take() { return list[at++]; }
    function is(token, kind, word) { return token[0] === kind && token[1] === word; }
    function deeper(depth) {
      if (depth >= MAX_DEPTH) { fail("the condition nests more than " + MAX_DEPTH + " levels", peek()[2]); }
      return depth + 1;
    }
    function known(name, kind, position) {
      if (!vars) { return; }
      var declared = Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : null;
      if (declared === null) { fail("unknown variable '" + name + "'", position); }
      if (declared !== kind) {
        if (kind === "flag") { fail("'" + name + "' is a counter: compare it, as in '" + name + " > 0'", position); }
        fail("'" + name + "' is a flag: use it alone or with 'not', without comparing it", position);
      }
    }
    function either(depth) {
      var parts = [both(depth)];
      while (is(peek(), "keyword", "or")) { take(); parts.push(both(depth)); }
      return parts.length === 1 ? parts[0] : ["or"].concat(parts);
    }
    function both(depth) {
      var parts = [negation(depth)];
      while (is(peek(), "keyword", "and")) { take(); parts.push(negation(depth)); }
      return parts.length === 1 ? parts[0] : ["and"].concat(parts);
    }
    function negation(depth) {
      if (is(peek(), "keyword", "not")) { depth = deeper(depth); take(); return ["not", negation(depth)]; }
      return atom(depth);
    }
    function operand() {
      var token = take();
      if (token[0] === "num") {
        if (Math.abs(parseInt(token[1], 10)) > MAX_NUMBER) {
          fail("numbers in conditions lie between -" + MAX_NUMBER + " and " + MAX_NUMBER, token[2]);
        }
        return ["num", parseInt(token[1], 10)];
      }
      if (token[0] === "name") { known(token[1], "counter", token[2]); return ["counter", token[1]]; }
      return fail("expected a counter or a whole number after the comparison, not '" + token[1] + "'", token[2]);
    }
    function atom(depth) {
      var token = peek(), position = token[2];
      if (is(token, "op", "(")) {
        depth = deeper(depth);
        take();
        var inner = either(depth);
        var close = take();
        if (!is(close, "op", ")")) { fail("a '(' is not closed: add ')'", close[2]); }
        return inner;
      }
      if (token[0] === "keyword" && (token[1] === "true" || token[1] === "false")) {
        take();
        return ["const", token[1] === "true"];
      }
      if (token[0] === "name" || token[0] === "num") {
        // A name is a flag unless a comparison follows: look ahead before checking its kind.
        var next = list[at + 1];
        if (next[0] === "op" && COMPARISONS.indexOf(next[1]) >= 0) {
          var left = operand(), op = take()[1], right = operand();
          if (left[0] === "num" && right[0] === "num") { fail("a comparison needs a counter on one side", position); }
          return ["cmp", op, left, right];
        }
        take();
        if (token[0] === "num") { fail("a number alone is not a condition: compare it with a counter", position); }
        known(token[1], "flag", position);
        return ["flag", token[1]];
      }
      if (token[0] === "end") { fail("the condition ends too early: a flag, a comparison or '(' is missing", position); }
      return fail("unexpected '" + token[1] + "': expected a flag, a comparison or '('", position);
    }

    var tree = either(0);
    var rest = peek();
    if (rest[0] !== "end") { fail("unexpected '" + rest[1] + "': join conditions with 'and' or 'or'", rest[2]); }
    return tree;
  }

  function names(tree) {
    var found = {};
    (function visit(node) {
      if (node[0] === "flag" || node[0] === "counter") { found[node[1]] = true; }
      else if (node[0] === "cmp") { visit(node[2]); visit(node[3]); }
      else if (node[0] !== "num" && node[0] !== "const") { node.slice(1).forEach(visit); }
    })(tree);
    return Object.keys(found).sort();
  }

  function number(operand, values) {
    if (operand[0] === "num") { return operand[1]; }
    var value = Object.prototype.hasOwnProperty.call(values, operand[1]) ? values[operand[1]] : 0;
    return typeof value === "number" ? value : 0;
  }

  function holds(tree, values) {
    switch (tree[0]) {
      case "const": return tree[1];
      case "flag": return Object.prototype.hasOwnProperty.call(values, tree[1]) && values[tree[1]] === true;
      case "not": return !holds(tree[1], values);
      case "and": return tree.slice(1).every(function (part) { return holds(part, values); });
      case "or": return tree.slice(1).some(function (part) { return holds(part, values); });
    }
    var left = number(tree[2], values), right = number(tree[3], values);
    switch (tree[1]) {
      case "==": return left === right;
      case "!=": return left !== right;
      case "<": return left < right;
      case "<=": return left <= right;
      case ">": return left > right;
    }
    return left >= right;
  }

  function parseEffects(text, variables) {
    if (typeof text !== "string" || !text.trim()) { fail("nothing to set", 0); }
    var effects = [], seen = {}, pattern = /\S+/g, match;
    while ((match = pattern.exec(text)) !== null) {
      var effect = parseEffect(match[0], match.index, variables || null);
      if (seen[effect[0]]) { fail("'" + effect[0] + "' is set twice: combine the two into one", match.index); }
      seen[effect[0]] = true;
      effects.push(effect);
    }
    return effects;
  }

  function parseEffect(item, position, variables) {
    var match = EFFECT.exec(item);
    if (!match) {
      fail("'" + item + "' is not an effect: write flag=true, flag=false, counter=2, counter+=1 or counter-=1", position);
    }
    var name = match[1], op = match[2], value = match[3];
    if (KEYWORDS.indexOf(name) >= 0) { fail("'" + name + "' is a keyword, not a variable", position); }
    var kind = value === "true" || value === "false" ? "flag" : "counter";
    if (kind === "flag" && op !== "=") { fail("a flag is set with '=' only: " + name + "=true or " + name + "=false", position); }
    if (kind === "counter" && Math.abs(parseInt(value, 10)) > MAX_NUMBER) {
      fail("numbers lie between -" + MAX_NUMBER + " and " + MAX_NUMBER, position);
    }
    if (variables) {
      var declared = Object.prototype.hasOwnProperty.call(variables, name) ? variables[name] : null;
      if (declared === null) { fail("unknown variable '" + name + "'", position); }
      if (declared !== kind) {
        fail("'" + name + "' is a " + declared + ": write it as in '" + (declared === "flag" ? name + "=true" : name + "+=1") + "'", position);
      }
    }
    return [name, op, kind === "flag" ? value === "true" : parseInt(value, 10)];
  }

  function applyEffects(effects, values) {
    var result = {};
    Object.keys(values).forEach(function (key) { result[key] = values[key]; });
    effects.forEach(function (effect) {
      var name = effect[0], op = effect[1], value = effect[2];
      if (op === "=") { result[name] = value; return; }
      var current = typeof result[name] === "number" ? result[name] : 0;
      var total = op === "+=" ? current + value : current - value;
      result[name] = Math.max(-MAX_NUMBER, Math.min(MAX_NUMBER, total));
    });
    return result;
  }

  global.P2PRoleplayConditions = {
    parse: parse, holds: holds, names: names, parseEffects: parseEffects, applyEffects: applyEffects,
    ConditionError: ConditionError
  };
  if (typeof module === "object" && module.exports) { module.exports = global.P2PRoleplayConditions; }
})(typeof window !== "undefined" ? window : this);
