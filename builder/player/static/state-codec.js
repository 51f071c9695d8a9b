/* P2PStateCodec: packs the player's whole state document into SCORM `cmi.suspend_data`.
 *
 * encode(doc) -> string and decode(string) -> doc, for any JSON value. The JSON text is coded as
 * UTF-8 by a bitwise context-mixing model (orders 0-4 and 6, two word contexts, one mixer, one
 * SSE stage) driving a binary arithmetic coder; the model starts from an English prior on the
 * program's subject, so even a short journal compresses well. Bytes are written 4 -> 5 characters
 * in an 85-character alphabet without space, quotes, backslash, & < > % + and backtick.
 * Layout: version character, then base-85 of [length varint, 32-bit checksum, coded bytes].
 * Only integer arithmetic drives the model, so every browser decodes what another encoded.
 * See docs/decisions/0002-suspend-data-encoding.md.
 */
var P2PStateCodec = (function () {
  "use strict";

  var VERSION = "A";
  var MAX_BYTES = 1 << 26;  // refuse absurd lengths read from corrupt input
  var ALPHABET = "";
  var DIGIT = new Int8Array(128).fill(-1);
  (function () {
    for (var code = 33; code < 127; code++) {
      var ch = String.fromCharCode(code);
      if ("\"%&'+<>\\`".indexOf(ch) < 0) { DIGIT[code] = ALPHABET.length; ALPHABET += ch; }
    }
  })();

  var PRIOR = "Family partnership starts long before anyone sits down at an IEP meeting. It begins when a teacher calls home with good news, when the school office greets a parent by name, and when a family knows who to ask about their child's services. Trust is built in small moments, and it can be lost in one careless conversation.\n\nWhen I think about the families I work with, I remember that every parent is the expert on their own child. They know how their son sleeps, what calms their daughter down, which words make her laugh, and what happened in the years before he came to our school. A strong team asks for that knowledge and uses it. A weak team treats the parent as someone who signs the paperwork at the end.\n\nBefore a meeting, I try to call the family and ask what they hope to talk about. I share the draft goals and the assessment results a few days early, in plain language and in the language they read at home. If the family speaks Spanish, we schedule a qualified interpreter, not a staff member who happens to be bilingual, and we give the interpreter time to speak for everyone. I also ask whether the parent would like to bring a friend, an advocate, or a relative for support.\n\nDuring the meeting, the facilitator keeps the agenda visible and the conversation focused on the student. We agree on norms at the start: listen to understand, speak one at a time, and keep the child at the center. When a topic does not fit the time, it goes on the parking lot chart so it is not forgotten. The facilitator is neutral. Their job is not to decide who is right, but to help the team hear each other and reach decisions that everyone understands.\n\nListening is harder than it sounds. Active listening means I paraphrase what I heard, check whether I got it right, and ask an open question instead of defending our position. When a mother says the school is not doing enough, there is usually an interest underneath the position: she wants her child to be safe, to make friends, to learn to read, and to be treated with dignity. If we can name those interests together, we can look for options that meet them.\n\nConflict is a normal part of working together. It becomes a dispute when people stop feeling heard. Most disagreements can be resolved at the lowest level, through an honest conversation between the teacher and the parent, long before anyone files for due process or asks for mediation. Alternative dispute resolution gives families and districts a voluntary way to solve problems with the help of a trained, neutral person, and it often preserves the relationship that the child depends on.\n\nEquity asks us to notice who is missing from the table and whose voice carries the most weight. Families from different cultures may have different expectations about school, about disability, and about how to disagree with a professional. Some parents were taught never to question a teacher. Others have had painful experiences with schools and come ready to fight. Cultural humility means I stay curious, I ask rather than assume, and I examine my own habits and biases.\n\nRespect shows up in practical choices: meeting times that work for a parent's job, a room with enough chairs, staff who arrive on time and do not look at their phones, and reports written without jargon. Communication means frequent, two-way contact, not only a call when something goes wrong. Advocacy means we help families understand their rights and the procedural safeguards, and we connect them with parent centers and community organizations. Commitment means we follow through on what we promised and report back.\n\nAfter each meeting, I take a few minutes to reflect. What went well? Where did the conversation get stuck? Did the parent leave knowing what happens next, who is responsible, and when we will talk again? What would I do differently next time? I write down one thing I want to practice, such as pausing before I answer, summarizing the decisions at the end, or asking the student what they think.\n\nThe general education teacher, the special education teacher, the school psychologist, the speech therapist, the administrator, and the family all bring a different view of the same student. Good facilitation turns those views into a shared picture. It separates the people from the problem, focuses on interests rather than positions, and invents options before choosing among them. The goal is an IEP that the whole team believes in and that the student can succeed with.\n\nI am learning that building trust takes patience. I cannot rush a family who has been let down before. I can be consistent, honest, and kind, admit when we made a mistake, and keep showing up. Over time, those habits change the relationship, and the partnership becomes real.\n";

  // Logistic squash/stretch in 12-bit fixed point, from an integer table (no Math.exp: engines
  // may round it differently, and the decoder must follow the encoder bit for bit).
  var SQUASH_POINTS = [1, 2, 3, 6, 10, 16, 27, 45, 73, 120, 194, 310, 488, 747, 1101, 1546, 2047,
    2549, 2994, 3348, 3607, 3785, 3901, 3975, 4022, 4050, 4068, 4079, 4085, 4089, 4092, 4093, 4094];
  function squash(d) {
    if (d > 2047) return 4095;
    if (d < -2047) return 1;
    var w = d & 127, i = (d >> 7) + 16;
    return (SQUASH_POINTS[i] * (128 - w) + SQUASH_POINTS[i + 1] * w + 64) >> 7;
  }
  var STRETCH = new Int16Array(4096);
  (function () {
    var pi = 0;
    for (var x = -2047; x <= 2047; x++) {
      var v = squash(x);
      for (var i = pi; i <= v; i++) STRETCH[i] = x;
      pi = v + 1;
    }
    for (var j = pi; j < 4096; j++) STRETCH[j] = 2047;
  })();
  var RATE = new Int32Array(1024);  // counter adaptation: fast while a context is new
  for (var n = 0; n < 1024; n++) RATE[n] = (16384 / (n + n + 3)) | 0;

  var APM_START = new Uint16Array(0x10000 * 33);  // SSE on (last byte, partial byte)
  for (var a = 0; a < 33; a++) APM_START[a] = squash((a - 16) * 128) * 16;
  for (var c = 1; c < 0x10000; c *= 2) APM_START.copyWithin(c * 33, 0, c * 33);

  var INPUTS = 9;      // 8 contexts + bias
  var LIMIT = 255;     // counters slow down to 1/(2*LIMIT) and stay adaptive
  var LEARN = 3;
  var MIXSHIFT = 12;
  var MIXSEL = 0;
  var WINIT = 16384;
  var NEEDF = 8;
  var MAXBITS = 17;

  function hash(a, b) {
    var h = Math.imul(a, 0x2f0b4f27) ^ Math.imul(b + 0x7f4a7c15, 0x9e3779b1);
    return (h ^ (h >>> 15)) >>> 0;
  }

  // The model: predict() gives P(next bit = 1) in 12 bits, update(bit) learns it.
  // Orders 0 and 1 index their counters directly; the others hash into 16-slot buckets, one per
  // context and nibble (slot 0 holds a check), so a byte costs two memory lines per model.
  var DIRECT = 256 + 0x10000;
  var buffers = null;  // reused between calls: allocating megabytes on every save is slow
  function Model(tableBits) {
    var size = DIRECT + (16 << MAXBITS);
    if (!buffers) buffers = {slots: new Uint32Array(size), apm: new Uint16Array(APM_START.length)};
    var slots = buffers.slots, apm = buffers.apm;
    slots.fill(0, 0, DIRECT + (16 << tableBits));
    apm.set(APM_START);
    var shift = 32 - tableBits;
    var weights = new Int32Array(288 * INPUTS).fill(WINIT);
    var ctx = new Uint32Array(INPUTS - 1);   // context hash per model
    var base = new Int32Array(INPUTS - 1);   // bucket of the current nibble per model
    var slot = new Int32Array(INPUTS - 1);   // slot used for this bit
    var st = new Int32Array(INPUTS);         // stretched predictions (mixer inputs)
    var c0 = 1, nibble = 1, c4 = 0, c8 = 0, word = 0, prevWord = 0;
    var mixed = 2048, mixed1 = 2048, mixed2 = 2048, wi1 = 0, wi2 = 0, apmIndex = 0, pr = 2048;

    function findBuckets() {
      for (var i = 2; i < INPUTS - 1; i++) {
        var h = hash(ctx[i], c0);
        var b = DIRECT + ((h >>> shift) << 4), check = (h & 0xffff) | 1;
        if (slots[b] !== check) {
          for (var k = 1; k < 16; k++) slots[b + k] = 0;
          slots[b] = check;
        }
        base[i] = b;
      }
    }

    function setContexts() {
      ctx[2] = (c4 & 0xffff) | 0x20000;
      ctx[3] = hash(c4 & 0xffffff, 3);
      ctx[4] = hash(c4, 4);
      ctx[5] = hash(hash(c4, c8 & 0xffff), 6);
      ctx[6] = hash(word, 7 + (c4 & 0xff));
      ctx[7] = hash(word, prevWord);
    }

    function predict() {
      var dot1 = 0, dot2 = 0, b1 = c4 & 0xff;
      wi1 = c0 * INPUTS;
      wi2 = (256 + (31 - Math.clz32(c0)) * 4 +
             (b1 >= 97 && b1 <= 122 ? 0 : b1 === 32 ? 1 : b1 < 48 ? 2 : 3)) * INPUTS;
      slot[0] = c0;
      slot[1] = 256 + (b1 << 8 | c0);
      for (var i = 2; i < INPUTS - 1; i++) slot[i] = base[i] + nibble;
      for (i = 0; i < INPUTS - 1; i++) {
        var x = STRETCH[((slots[slot[i]] ^ 0x80000000) >>> 20)];
        st[i] = x;
        dot1 += x * weights[wi1 + i];
        dot2 += x * weights[wi2 + i];
      }
      st[INPUTS - 1] = 256;
      dot1 += 256 * weights[wi1 + INPUTS - 1];
      dot2 += 256 * weights[wi2 + INPUTS - 1];
      mixed1 = squash(Math.floor(dot1 / 65536));
      mixed2 = squash(Math.floor(dot2 / 65536));
      mixed = squash((STRETCH[mixed1] + STRETCH[mixed2]) >> 1);
      var s2 = STRETCH[mixed] + 2048, lo = s2 >> 7, w = s2 & 127;
      var a = (b1 << 8 | c0) * 33 + lo;
      apmIndex = a + (w >> 6);
      var refined = (apm[a] * (128 - w) + apm[a + 1] * w) >> 11;
      pr = (mixed + 3 * refined) >> 2;
      if (pr < 1) pr = 1; else if (pr > 4095) pr = 4095;
      return pr;
    }

    function update(bit) {
      for (var i = 0; i < INPUTS - 1; i++) {
        var s = slot[i], e = (slots[s] ^ 0x80000000) >>> 0, count = e & 1023;
        if (count < LIMIT) e++;
        slots[s] = (e + ((((bit << 22) - (e >>> 10)) >> 3) * RATE[count] & -1024)) ^ 0x80000000;
      }
      var err1 = ((bit << 12) - mixed1) * LEARN, err2 = ((bit << 12) - mixed2) * LEARN;
      for (var j = 0; j < INPUTS; j++) {
        weights[wi1 + j] += (st[j] * err1) >> MIXSHIFT;
        weights[wi2 + j] += (st[j] * err2) >> MIXSHIFT;
      }
      apm[apmIndex] += ((bit << 16) + (bit << 7) - bit - bit - apm[apmIndex]) >> 7;

      c0 = c0 << 1 | bit;
      nibble = nibble << 1 | bit;
      if (c0 >= 256) {
        var byte = c0 & 255;
        c8 = (c8 << 8 | c4 >>> 24) >>> 0;
        c4 = (c4 << 8 | byte) >>> 0;
        if (byte >= 65 && byte <= 90) byte += 32;
        if ((byte >= 97 && byte <= 122) || byte >= 128) word = hash(word, byte);
        else if (word) { prevWord = word; word = 0; }
        c0 = 1;
        nibble = 1;
        setContexts();
        findBuckets();
      } else if (nibble >= 16) {
        nibble = 1;
        findBuckets();
      }
    }

    setContexts();
    findBuckets();
    return {predict: predict, update: update};
  }

  var PRIOR_BYTES = new TextEncoder().encode(PRIOR);

  function primedModel(length) {
    var need = (length + PRIOR_BYTES.length) * NEEDF, bits = 12;
    while ((1 << bits) < need && bits < MAXBITS) bits++;
    var model = Model(bits);
    for (var i = 0; i < PRIOR_BYTES.length; i++) {
      var c = PRIOR_BYTES[i];
      for (var j = 7; j >= 0; j--) { model.predict(); model.update((c >> j) & 1); }
    }
    return model;
  }

  function checksum(bytes) {  // FNV-1a, 32 bits
    var h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
    return h >>> 0;
  }

  function compress(bytes) {
    var out = [], n = bytes.length, v = n;
    while (v >= 128) { out.push((v & 127) | 128); v = Math.floor(v / 128); }
    out.push(v);
    var sum = checksum(bytes);
    out.push(sum >>> 24, (sum >>> 16) & 255, (sum >>> 8) & 255, sum & 255);
    var model = primedModel(n), x1 = 0, x2 = 0xffffffff;
    for (var i = 0; i < n; i++) {
      var c = bytes[i];
      for (var j = 7; j >= 0; j--) {
        var bit = (c >> j) & 1, p = model.predict(), range = x2 - x1;
        var xmid = x1 + (range >>> 12) * p + (((range & 0xfff) * p) >>> 12);
        if (bit) x2 = xmid; else x1 = xmid + 1;
        model.update(bit);
        while (((x1 ^ x2) & 0xff000000) === 0) {
          out.push(x2 >>> 24);
          x1 = (x1 << 8) >>> 0;
          x2 = ((x2 << 8) | 255) >>> 0;
        }
      }
    }
    if (n) out.push((x1 >>> 24) + 1);  // with zero padding this lands inside [x1, x2]
    return out;
  }

  function corrupt(why) {
    return new Error("P2PStateCodec: saved state is corrupt or from an unknown version (" + why + ")");
  }

  function decompress(data) {
    var pos = 0, n = 0, scale = 1, b;
    do {
      if (pos >= data.length || scale > MAX_BYTES) throw corrupt("bad length");
      b = data[pos++];
      n += (b & 127) * scale;
      scale *= 128;
    } while (b & 128);
    if (n > MAX_BYTES) throw corrupt("length too large");
    if (pos + 4 > data.length) throw corrupt("missing checksum");
    var sum = ((data[pos] << 24) | (data[pos + 1] << 16) | (data[pos + 2] << 8) | data[pos + 3]) >>> 0;
    pos += 4;
    if (n === 0) {
      if (pos !== data.length || sum !== checksum([])) throw corrupt("bad empty stream");
      return new Uint8Array(0);
    }
    function next() { return pos < data.length ? data[pos++] : (pos++, 0); }
    var bytes = new Uint8Array(n), model = primedModel(n), x1 = 0, x2 = 0xffffffff, x = 0;
    for (var k = 0; k < 4; k++) x = ((x << 8) | next()) >>> 0;
    for (var i = 0; i < n; i++) {
      var c = 0;
      for (var j = 0; j < 8; j++) {
        var p = model.predict(), range = x2 - x1;
        var xmid = x1 + (range >>> 12) * p + (((range & 0xfff) * p) >>> 12);
        var bit = x <= xmid ? 1 : 0;
        if (bit) x2 = xmid; else x1 = xmid + 1;
        model.update(bit);
        c = c << 1 | bit;
        while (((x1 ^ x2) & 0xff000000) === 0) {
          x1 = (x1 << 8) >>> 0;
          x2 = ((x2 << 8) | 255) >>> 0;
          x = ((x << 8) | next()) >>> 0;
        }
      }
      bytes[i] = c;
      // A valid stream is read at most 3 bytes past its end (the coder reads 4 ahead).
      if (pos > data.length + 3) throw corrupt("stream ends early");
    }
    if (pos !== data.length + 3) throw corrupt("trailing data");
    if (checksum(bytes) !== sum) throw corrupt("checksum mismatch");
    return bytes;
  }

  function toText(bytes) {  // 4 bytes -> 5 digits, big-endian; a tail of r bytes -> r + 1 digits
    var out = "";
    for (var i = 0; i < bytes.length; i += 4) {
      var r = Math.min(4, bytes.length - i), v = 0;
      for (var k = 0; k < 4; k++) v = v * 256 + (k < r ? bytes[i + k] : 0);
      var group = "";
      for (var d = 0; d < 5; d++) { group = ALPHABET[v % 85] + group; v = Math.floor(v / 85); }
      out += group.slice(0, r + 1);
    }
    return out;
  }

  function fromText(text, start) {
    var bytes = [], length = text.length - start;
    if (length % 5 === 1) throw corrupt("bad length");
    for (var i = start; i < text.length; i += 5) {
      var r = Math.min(5, text.length - i), v = 0;
      for (var d = 0; d < 5; d++) {
        var digit = 84;
        if (d < r) {
          var code = text.charCodeAt(i + d);
          digit = code < 128 ? DIGIT[code] : -1;
          if (digit < 0) throw corrupt("unexpected character at " + (i + d));
        }
        v = v * 85 + digit;
      }
      if (v > 0xffffffff) throw corrupt("bad group at " + i);
      for (var k = 0; k < r - 1; k++) bytes.push(Math.floor(v / Math.pow(256, 3 - k)) % 256);
    }
    return bytes;
  }

  function encodeText(text) {
    if (typeof text !== "string") throw new TypeError("P2PStateCodec.encodeText expects a string");
    return VERSION + toText(compress(new TextEncoder().encode(text)));
  }

  function decodeText(stored) {
    if (typeof stored !== "string" || !stored.length) throw corrupt("empty");
    if (stored[0] !== VERSION) throw corrupt("version " + JSON.stringify(stored[0]));
    var bytes = decompress(fromText(stored, 1));
    try {
      return new TextDecoder("utf-8", {fatal: true}).decode(bytes);
    } catch (e) {
      throw corrupt("invalid UTF-8");
    }
  }

  function encode(doc) {
    var json = JSON.stringify(doc);
    if (json === undefined) throw new TypeError("P2PStateCodec.encode expects a JSON value");
    return encodeText(json);
  }

  function decode(stored) {
    var json = decodeText(stored);
    try {
      return JSON.parse(json);
    } catch (e) {
      throw corrupt("not JSON");
    }
  }

  return {VERSION: VERSION, ALPHABET: ALPHABET, encode: encode, decode: decode,
          encodeText: encodeText, decodeText: decodeText};
})();
