/* P2PStateCodec: the player's whole state document in SCORM `cmi.suspend_data`.
 *
 * encode(doc) -> string and decode(string) -> doc, for any JSON value. The JSON is coded as UTF-8
 * by a bitwise context-mixing model (orders 0-4 and 6, word and word-pair contexts, a match model,
 * two mixers, an SSE stage) driving a binary arithmetic coder; the model first reads PRIOR, so a
 * short state already compresses well. Bytes go out 4 -> 5 characters in an 85-character alphabet:
 * printable ASCII without space, " ' \ & < > % + and backtick, which LMSs and transports mangle.
 * Layout: VERSION, then base 85 of [length varint, FNV-1a checksum, coded bytes]. Integer
 * arithmetic only, so every browser decodes bit for bit what another encoded. A change to PRIOR
 * or to the model needs a new VERSION, with the old one kept decodable.
 * See docs/decisions/0002-suspend-data-encoding.md.
 */
/* exported P2PStateCodec */  // the global the other scripts read
var P2PStateCodec = (function () {
  "use strict";

  var VERSION = "A";
  // PRIOR: a state document in the player's shape holding English on the program's subject,
  // written for the codec (the tests measure on other text). It is part of the format.
  var PRIOR = {v: 1, b: {
    intro_roleplay: {r: ["greet_family", "ask_priorities", "share_draft", "agree_next_meeting"],
                     v: null, n: 1, b: [10, 12], l: [10, 12], d: ["skip_introductions"]},
    team_rubric: {r: {neutrality: "proficient", listening: "developing", agenda: "exemplary",
                      interests: "proficient", summarizing: "beginning", follow_up: "proficient"},
                  n: {listening: "Interrupted the mother twice while she described mornings at home."},
                  s: 1, a: 2},
    reflection_journal: {entries: {notice: {versions: [{text: [
      "Family partnership starts long before anyone sits down at an IEP meeting. It begins when " +
      "a teacher calls home with good news, when the school office greets a parent by name, and " +
      "when a family knows who to ask about their child's services. Trust is built in small " +
      "moments, and it can be lost in one careless conversation.",
      "When I think about the families I work with, I remember that every parent is the expert " +
      "on their own child. They know how their son sleeps, what calms their daughter down, " +
      "which words make her laugh, and what happened in the years before he came to our school. " +
      "A strong team asks for that knowledge and uses it. A weak team treats the parent as " +
      "someone who signs the paperwork at the end.",
      "Before a meeting, I try to call the family and ask what they hope to talk about. I share " +
      "the draft goals and the assessment results a few days early, in plain language and in " +
      "the language they read at home. If the family speaks Spanish, we schedule a qualified " +
      "interpreter, not a staff member who happens to be bilingual, and we give the interpreter " +
      "time to speak for everyone. I also ask whether the parent would like to bring a friend, " +
      "an advocate, or a relative for support.",
      "During the meeting, the facilitator keeps the agenda visible and the conversation " +
      "focused on the student. We agree on norms at the start: listen to understand, speak one " +
      "at a time, and keep the child at the center. When a topic does not fit the time, it goes " +
      "on the parking lot chart so it is not forgotten. The facilitator is neutral. Their job " +
      "is not to decide who is right, but to help the team hear each other and reach decisions " +
      "that everyone understands.",
      "Listening is harder than it sounds. Active listening means I paraphrase what I heard, " +
      "check whether I got it right, and ask an open question instead of defending our " +
      "position. When a mother says the school is not doing enough, there is usually an " +
      "interest underneath the position: she wants her child to be safe, to make friends, to " +
      "learn to read, and to be treated with dignity. If we can name those interests together, " +
      "we can look for options that meet them.",
      "Conflict is a normal part of working together. It becomes a dispute when people stop " +
      "feeling heard. Most disagreements can be resolved at the lowest level, through an honest " +
      "conversation between the teacher and the parent, long before anyone files for due " +
      "process or asks for mediation. Alternative dispute resolution gives families and " +
      "districts a voluntary way to solve problems with the help of a trained, neutral person, " +
      "and it often preserves the relationship that the child depends on."
    ].join("\n\n"), at: "2026-10-14T16:20:05Z"}]}, next_step: {draft: [
      "Equity asks us to notice who is missing from the table and whose voice carries the most " +
      "weight. Families from different cultures may have different expectations about school, " +
      "about disability, and about how to disagree with a professional. Some parents were " +
      "taught never to question a teacher. Others have had painful experiences with schools and " +
      "come ready to fight. Cultural humility means I stay curious, I ask rather than assume, " +
      "and I examine my own habits and biases.",
      "Respect shows up in practical choices: meeting times that work for a parent's job, a " +
      "room with enough chairs, staff who arrive on time and do not look at their phones, and " +
      "reports written without jargon. Communication means frequent, two-way contact, not only " +
      "a call when something goes wrong. Advocacy means we help families understand their " +
      "rights and the procedural safeguards, and we connect them with parent centers and " +
      "community organizations. Commitment means we follow through on what we promised and " +
      "report back.",
      "After each meeting, I take a few minutes to reflect. What went well? Where did the " +
      "conversation get stuck? Did the parent leave knowing what happens next, who is " +
      "responsible, and when we will talk again? What would I do differently next time? I write " +
      "down one thing I want to practice, such as pausing before I answer, summarizing the " +
      "decisions at the end, or asking the student what they think.",
      "The general education teacher, the special education teacher, the school psychologist, " +
      "the speech therapist, the administrator, and the family all bring a different view of " +
      "the same student. Good facilitation turns those views into a shared picture. It " +
      "separates the people from the problem, focuses on interests rather than positions, and " +
      "invents options before choosing among them. The goal is an IEP that the whole team " +
      "believes in and that the student can succeed with.",
      "I am learning that building trust takes patience. I cannot rush a family who has been " +
      "let down before. I can be consistent, honest, and kind, admit when we made a mistake, " +
      "and keep showing up. Over time, those habits change the relationship, and the " +
      "partnership becomes real."
    ].join("\n\n")}}}},
    u: ["welcome", "family_voice", "meeting_roles"],
    i: {"intro_roleplay-greet_family": "1x8k2qd", "intro_roleplay-ask_priorities": "0f3mz9a",
        "team_rubric-neutrality": "p2c7wkq"},
    l: "meeting_roles"};

  var ALPHABET = "", DIGIT = new Int8Array(128).fill(-1);
  for (var code = 33; code < 127; code++) {
    if ("\"%&'+<>\\`".indexOf(String.fromCharCode(code)) < 0) {
      DIGIT[code] = ALPHABET.length;
      ALPHABET += String.fromCharCode(code);
    }
  }

  // Logistic squash and its inverse in 12-bit fixed point, interpolated from integers
  // (Math.exp may round differently from one engine to another).
  var POINTS = [1, 2, 3, 6, 10, 16, 27, 45, 73, 120, 194, 310, 488, 747, 1101, 1546, 2047, 2549,
    2994, 3348, 3607, 3785, 3901, 3975, 4022, 4050, 4068, 4079, 4085, 4089, 4092, 4093, 4094];
  function squash(d) {
    if (d > 2047) return 4095;
    if (d < -2047) return 1;
    var w = d & 127, i = (d >> 7) + 16;
    return (POINTS[i] * (128 - w) + POINTS[i + 1] * w + 64) >> 7;
  }
  var STRETCH = new Int16Array(4096);
  for (var x = -2047, pi = 0; x <= 2047; x++) {
    for (var v = squash(x); pi <= v; pi++) STRETCH[pi] = x;
  }
  STRETCH.fill(2047, pi);
  // A counter's step after n updates: large while its context is new, then steady at about 1/31
  // so that it keeps following the learner's text.
  var RATE = new Int32Array(31);
  for (var n = 0; n < 31; n++) RATE[n] = (16384 / (n + n + 2.25)) | 0;

  var COUNTERS = 8;           // orders 0, 1 (direct), 2, 3, 4, word, 6, word pair (hashed)
  var INPUTS = COUNTERS + 2;  // + match model + bias
  // Past this many bytes (far more than SCORM 1.2 holds) a lighter model keeps saves fast: no
  // order 6, word pair, second mixer or SSE.
  var LIGHT_BYTES = 24576;
  var DIRECT = 256 + 0x10000;
  var MAX_TABLE_BITS = 17;    // at most 2^17 buckets of 16 counters (8 MB)
  var MATCH_BITS = 16;

  // Model state lives here, not in a per-call closure, so the engine optimises it once.
  var slots = new Uint32Array(DIRECT + (16 << MAX_TABLE_BITS));
  var apm = new Uint16Array(0x2000 * 33), apmStart = new Uint16Array(33);
  for (var k = 0; k < 33; k++) apmStart[k] = squash((k - 16) * 128) * 16;
  var matches = new Int32Array(1 << MATCH_BITS), matchCounters = new Uint32Array(32);
  var weights = new Int32Array(288 * INPUTS), st = new Int32Array(INPUTS);
  var ctx = new Uint32Array(COUNTERS), base = new Int32Array(COUNTERS), slot = new Int32Array(COUNTERS);
  var history, pos, shift, used, light, c0, nibble, bitCount;
  var R = new Int32Array(4);  // last 4 bytes, the 4 before, word hash, previous word hash
  var matchPtr, matchLen, matchSlot, mixed, mixed1, mixed2, wi1, wi2, apmIndex;

  function hash(a, b) {
    var h = Math.imul(a, 0x2f0b4f27) ^ Math.imul(b + 0x7f4a7c15, 0x9e3779b1);
    return (h ^ (h >>> 15)) >>> 0;
  }

  // A counter: 22-bit probability above a 10-bit count, stored xor 2^31 so that 0 means p = 1/2.
  // Math.imul and the int32 sum keep this in 32-bit integers (wrapping as intended).
  function learn(table, i, bit) {
    var e = table[i] ^ 0x80000000, count = e & 1023;
    if (count < 30) e++;
    table[i] = (e + (Math.imul(((bit << 22) - (e >>> 10)) >> 3, RATE[count]) & -1024)) ^ 0x80000000;
  }

  // Orders 0 and 1 index their counters directly; the others hash into 16-counter buckets, one
  // per context and nibble (counter 0 holds a check), so a byte touches two memory lines each.
  function findBuckets() {
    for (var i = 2; i < used; i++) {
      var h = hash(ctx[i], c0), b = DIRECT + ((h >>> shift) << 4), check = (h & 0xffff) | 1;
      if (slots[b] !== check) {
        slots.fill(0, b + 1, b + 16);
        slots[b] = check;
      }
      base[i] = b;
    }
  }

  function byteSeen(byte) {
    history[pos++] = byte;
    R[1] = (R[1] << 8 | R[0] >>> 24) >>> 0;
    R[0] = (R[0] << 8 | byte) >>> 0;
    if (byte >= 65 && byte <= 90) byte += 32;
    if ((byte >= 97 && byte <= 122) || byte >= 128) R[2] = hash(R[2], byte);
    else if (R[2]) { R[3] = R[2]; R[2] = 0; }
    ctx[2] = (R[0] & 0xffff) | 0x20000;
    ctx[3] = hash(R[0] & 0xffffff, 3);
    ctx[4] = hash(R[0], 4);
    ctx[5] = hash(R[2], 7);
    ctx[6] = hash(hash(R[0], R[1] & 0xffff), 6);
    ctx[7] = hash(R[2], R[3]);
    // The match model follows the last occurrence of the previous 5 bytes and predicts the byte
    // that came next there (ids repeated across the document, a draft next to its saved version).
    var h = hash(R[0], R[1] & 0xff) >>> (32 - MATCH_BITS);
    if (matchLen > 0 && history[matchPtr] === (R[0] & 0xff)) {
      matchLen++;
      matchPtr++;
    } else {
      matchLen = 0;
      var candidate = matches[h];
      if (candidate > 0) {
        while (matchLen < 32 && matchLen < candidate &&
               history[candidate - matchLen - 1] === history[pos - matchLen - 1]) matchLen++;
        if (matchLen < 5) matchLen = 0; else matchPtr = candidate;
      }
    }
    matches[h] = pos;
  }

  function predict() {
    var dot1 = 0, dot2 = 0, b1 = R[0] & 0xff, i;
    matchSlot = -1;
    if (matchLen > 0) {
      var predicted = history[matchPtr] | 256;
      if ((predicted >> (8 - bitCount)) === c0) {
        matchSlot = (matchLen > 15 ? 15 : matchLen) * 2 + ((predicted >> (7 - bitCount)) & 1);
      } else {
        matchLen = 0;
      }
    }
    // Two mixers: one chosen by the partial byte, one by bit position and the last byte's kind.
    wi1 = c0 * INPUTS;
    wi2 = (256 + bitCount * 4 + (b1 >= 97 && b1 <= 122 ? 0 : b1 === 32 ? 1 : b1 < 48 ? 2 : 3)) * INPUTS;
    slot[0] = c0;
    slot[1] = 256 + (b1 << 8 | c0);
    for (i = 2; i < used; i++) slot[i] = base[i] + nibble;
    for (i = 0; i < used; i++) st[i] = STRETCH[(slots[slot[i]] ^ 0x80000000) >>> 20];
    st[COUNTERS] = matchSlot < 0 ? 0 : STRETCH[(matchCounters[matchSlot] ^ 0x80000000) >>> 20];
    st[COUNTERS + 1] = 256;
    for (i = 0; i < used; i++) dot1 += st[i] * weights[wi1 + i];
    dot1 += st[COUNTERS] * weights[wi1 + COUNTERS] + 256 * weights[wi1 + COUNTERS + 1];
    mixed = mixed1 = squash(Math.floor(dot1 / 65536));
    if (light) return mixed;
    for (i = 0; i < INPUTS; i++) dot2 += st[i] * weights[wi2 + i];
    mixed2 = squash(Math.floor(dot2 / 65536));
    mixed = squash((STRETCH[mixed1] + STRETCH[mixed2]) >> 1);
    // SSE: refine by the partial byte and 5 bits of the last, interpolating between 33 buckets.
    var s = STRETCH[mixed] + 2048, w = s & 127, a = ((b1 & 31) << 8 | c0) * 33 + (s >> 7);
    apmIndex = a + (w >> 6);
    var p = (mixed + 3 * ((apm[a] * (128 - w) + apm[a + 1] * w) >> 11)) >> 2;
    return p < 1 ? 1 : p > 4095 ? 4095 : p;
  }

  function update(bit) {
    var i, err1 = ((bit << 12) - mixed1) * 3, err2 = ((bit << 12) - mixed2) * 3;
    for (i = 0; i < used; i++) learn(slots, slot[i], bit);
    if (matchSlot >= 0) learn(matchCounters, matchSlot, bit);
    for (i = 0; i < used; i++) weights[wi1 + i] += (st[i] * err1) >> 12;
    weights[wi1 + COUNTERS] += (st[COUNTERS] * err1) >> 12;
    weights[wi1 + COUNTERS + 1] += (256 * err1) >> 12;
    if (!light) {
      for (i = 0; i < INPUTS; i++) weights[wi2 + i] += (st[i] * err2) >> 12;
      apm[apmIndex] += ((bit << 16) + (bit << 7) - bit - bit - apm[apmIndex]) >> 7;
    }
    c0 = c0 << 1 | bit;
    nibble = nibble << 1 | bit;
    bitCount++;
    if (c0 >= 256) {
      byteSeen(c0 & 255);
      c0 = nibble = 1;
      bitCount = 0;
      findBuckets();
    } else if (nibble >= 16) {
      nibble = 1;
      findBuckets();
    }
  }

  var PRIOR_BYTES = new TextEncoder().encode(JSON.stringify(PRIOR));

  // The model as it stands after reading PRIOR, with tables sized for `length` more bytes
  // (the decoder reads the length first, so both sides size them alike). The primed tables are
  // kept and copied back on the next call: copying is faster than reading PRIOR again.
  var primed = null;
  function start(length) {
    var bits = 12, i;
    while ((1 << bits) < (length + PRIOR_BYTES.length) * 8 && bits < MAX_TABLE_BITS) bits++;
    history = new Uint8Array(PRIOR_BYTES.length + length + 1);
    history.set(PRIOR_BYTES);
    if (primed && primed.bits === bits) {
      slots.set(primed.slots);
      apm.set(primed.apm);
      matches.set(primed.matches);
      matchCounters.set(primed.matchCounters);
      weights.set(primed.weights);
      ctx.set(primed.ctx);
      base.set(primed.base);
      pos = primed.at[0]; R[0] = primed.at[1]; R[1] = primed.at[2]; R[2] = primed.at[3];
      R[3] = primed.at[4]; matchPtr = primed.at[5]; matchLen = primed.at[6];
    } else {
      shift = 32 - bits;
      used = COUNTERS;
      light = false;
      slots.fill(0, 0, DIRECT + (16 << bits));
      for (i = 0; i < apm.length; i += 33) apm.set(apmStart, i);
      matches.fill(0);
      matchCounters.fill(0);
      weights.fill(16384);
      ctx.fill(0);
      pos = R[0] = R[1] = R[2] = R[3] = matchPtr = matchLen = bitCount = 0;
      c0 = nibble = 1;
      findBuckets();
      for (i = 0; i < PRIOR_BYTES.length; i++) {
        for (var j = 7; j >= 0; j--) { predict(); update((PRIOR_BYTES[i] >> j) & 1); }
      }
      primed = {bits: bits, slots: slots.slice(0, DIRECT + (16 << bits)), apm: apm.slice(),
                matches: matches.slice(), matchCounters: matchCounters.slice(), weights: weights.slice(),
                ctx: ctx.slice(), base: base.slice(), at: [pos, R[0], R[1], R[2], R[3], matchPtr, matchLen]};
    }
    c0 = nibble = 1;
    bitCount = 0;
    light = length > LIGHT_BYTES;
    used = light ? 6 : COUNTERS;
    st.fill(0);  // the light model leaves inputs 6 and 7 at 0: nothing from an earlier call
  }

  function checksum(bytes) {  // FNV-1a
    var h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
    return h >>> 0;
  }

  function compress(bytes) {
    var out = [], n = bytes.length, sum = checksum(bytes);
    for (var v = n; v >= 128; v = Math.floor(v / 128)) out.push((v & 127) | 128);
    out.push(v, sum >>> 24, (sum >>> 16) & 255, (sum >>> 8) & 255, sum & 255);
    if (!n) return out;
    start(n);
    var x1 = 0, x2 = 0xffffffff;
    for (var i = 0; i < n; i++) {
      for (var j = 7; j >= 0; j--) {
        var bit = (bytes[i] >> j) & 1, p = predict(), range = x2 - x1;
        var xmid = x1 + (range >>> 12) * p + (((range & 0xfff) * p) >>> 12);
        if (bit) x2 = xmid; else x1 = xmid + 1;
        update(bit);
        while (((x1 ^ x2) & 0xff000000) === 0) {
          out.push(x2 >>> 24);
          x1 = (x1 << 8) >>> 0;
          x2 = ((x2 << 8) | 255) >>> 0;
        }
      }
    }
    out.push((x1 >>> 24) + 1);  // followed by the zeros the decoder pads with, inside [x1, x2]
    return out;
  }

  function corrupt(why) {
    return new Error("P2PStateCodec: the saved state is damaged or from an unknown version (" + why + ")");
  }

  function decompress(data) {
    var at = 0, n = 0, scale = 1, b;
    do {
      if (at >= data.length || scale > 1 << 28) throw corrupt("bad length");
      b = data[at++];
      n += (b & 127) * scale;
      scale *= 128;
    } while (b & 128);
    // A predicted bit costs at least log2(4096/4095) bits, so n bytes take at least n / 2837
    // coded bytes: a larger n is damage (and must not allocate gigabytes).
    if ((at > 1 && !b) || n > 4096 * data.length) throw corrupt("bad length");
    if (at + 4 > data.length) throw corrupt("no checksum");
    var sum = ((data[at] << 24) | (data[at + 1] << 16) | (data[at + 2] << 8) | data[at + 3]) >>> 0;
    at += 4;
    var bytes = new Uint8Array(n), last = data.length - 1;
    if (n) {
      start(n);
      var x1 = 0, x2 = 0xffffffff, x = 0;
      for (var k = 0; k < 4; k++, at++) x = ((x << 8) | (at < data.length ? data[at] : 0)) >>> 0;
      for (var i = 0; i < n; i++) {
        var c = 0;
        for (var j = 0; j < 8; j++) {
          var p = predict(), range = x2 - x1;
          var xmid = x1 + (range >>> 12) * p + (((range & 0xfff) * p) >>> 12);
          var bit = x <= xmid ? 1 : 0;
          if (bit) x2 = xmid; else x1 = xmid + 1;
          update(bit);
          c = c << 1 | bit;
          while (((x1 ^ x2) & 0xff000000) === 0) {
            // The encoder wrote x1's top byte here, and its last byte is not shifted out.
            if (((x ^ x1) & 0xff000000) !== 0 || at - 4 >= last) throw corrupt("bad stream");
            x1 = (x1 << 8) >>> 0;
            x2 = ((x2 << 8) | 255) >>> 0;
            x = ((x << 8) | (at < data.length ? data[at] : 0)) >>> 0;
            at++;
          }
        }
        bytes[i] = c;
      }
      // Only the byte encode() writes last, and nothing after it, is accepted.
      if (at !== data.length + 3 || data[last] !== (x1 >>> 24) + 1) throw corrupt("bad ending");
    } else if (at !== data.length) {
      throw corrupt("trailing data");
    }
    if (checksum(bytes) !== sum) throw corrupt("checksum");
    return bytes;
  }

  function toText(bytes) {  // 4 bytes -> 5 digits, big-endian; a tail of r bytes -> r + 1 digits
    var out = "";
    for (var i = 0; i < bytes.length; i += 4) {
      var r = Math.min(4, bytes.length - i), v = 0, group = "";
      for (var k = 0; k < 4; k++) v = v * 256 + (k < r ? bytes[i + k] : 0);
      for (var d = 0; d < 5; d++, v = Math.floor(v / 85)) group = ALPHABET[v % 85] + group;
      out += group.slice(0, r + 1);
    }
    return out;
  }

  function fromText(text) {  // text[0] is the version
    var bytes = [];
    if (text.length % 5 === 2) throw corrupt("bad length");
    for (var i = 1; i < text.length; i += 5) {
      var r = Math.min(5, text.length - i), v = 0;
      for (var d = 0; d < 5; d++) {
        var code = d < r ? text.charCodeAt(i + d) : 126, digit = code < 128 ? DIGIT[code] : -1;
        if (digit < 0) throw corrupt("character " + JSON.stringify(text[i + d]) + " at " + (i + d + 1));
        v = v * 85 + digit;
      }
      if (v > 0xffffffff) throw corrupt("bad group at " + (i + 1));
      for (var k = 0; k < r - 1; k++) bytes.push(Math.floor(v / Math.pow(256, 3 - k)) % 256);
    }
    return bytes;
  }

  function encodeText(text) {
    return VERSION + toText(compress(new TextEncoder().encode(text)));
  }

  function decodeText(stored) {
    if (typeof stored !== "string") throw corrupt("not a string");
    if (!stored) throw corrupt("empty");
    if (stored[0] !== VERSION) throw corrupt("version " + JSON.stringify(stored[0]));
    var data = fromText(stored), text, bytes;
    // The last group of characters has spare values: accept only the spelling encode() writes.
    if (VERSION + toText(data) !== stored) throw corrupt("bad ending");
    bytes = decompress(data);
    try {
      text = new TextDecoder("utf-8", {fatal: true}).decode(bytes);
    } catch (ignored) {
      throw corrupt("not UTF-8");
    }
    return text;
  }

  function encode(doc) {
    var json = JSON.stringify(doc);  // escapes lone surrogates, which UTF-8 cannot carry
    if (json === undefined) throw new TypeError("P2PStateCodec.encode expects a JSON value");
    return encodeText(json);
  }

  function decode(stored) {
    var text = decodeText(stored);
    try {
      return JSON.parse(text);
    } catch (ignored) {
      throw corrupt("not JSON");
    }
  }

  return {VERSION: VERSION, ALPHABET: ALPHABET, encode: encode, decode: decode};
})();
