// Over 300 lines: the offline reader's phrase families for every intent and dispute reason, one table of patterns.
import type { DisputeReason } from './reply-reading.js';

/**
 * The vocabulary of accounts-payable email: what finance teams write when they promise, claim to have paid,
 * dispute, ask for a document, go on leave or hand the thread to someone else. Each cue is a general phrase
 * family, not a sentence from the development set; the held-out replies (fixtures/replies-holdout.jsonl) are
 * there to show whether that holds.
 */

const has = (res: readonly RegExp[], text: string) => res.some((re) => re.test(text));

// --- instructions addressed to a system, never to us ------------------------------------------------------

/** A passage that talks to a model or a system ("ignore previous instructions", "note to the AI"). */
const INSTRUCTION_MARKERS: readonly RegExp[] = [
  /\b(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+|the\s+|your\s+|my\s+|of\s+)*(?:previous|prior|above|earlier|preceding|existing|system|original|other)?\s*(?:instructions?|prompts?|rules?|guidelines?|directions?|context|messages?|above)\b/i,
  /\b(?:you\s+are\s+now|from\s+now\s+on\s+you\s+(?:are|will)|you\s+will\s+now\s+act|act\s+as\s+(?:an?\s+|the\s+)?(?:admin|administrator|system|assistant|ai))\b/i,
  /\b(?:admin|administrator|developer|god|debug|maintenance|jailbreak)\s+mode\b/i,
  /\b(?:note|message|instructions?|memo|notice|command)\s+(?:to|for)\s+(?:the\s+|any\s+|all\s+)?(?:ai|a\.i\.|assistant|automated\s+(?:system|assistant|reader|process)|system|bot|model|llm|language\s+model|classifier|parser|copilot|agent|automation)\b/i,
  // A role tag opening a passage ("SYSTEM:", "[admin note]:", "ADMIN DIRECTIVE (urgent):"): a bracketed
  // priority or level may sit before the colon.
  /(?:^|[[<({*#\-_=~]\s*)(?:system|assistant|ai|admin|administrator|developer|operator|automation)(?:\s+(?:note|message|prompt|override|instructions?|directive|command|update))?\s*(?:[([][^)\]]{0,40}[)\]])?\s*:/i,
  // Words that only ever address a machine: a system override, an operator command, a directive to the tool.
  /\b(?:system|admin|administrator|operator|root)\s+(?:override|directive|command)s?\b/i,
  /\b(?:as\s+an?\s+ai|ai\s+(?:assistant|model|system|agent)|language\s+model|\bllm\b|system\s+prompt|new\s+instructions?)\b/i,
  /<\/?(?:system|assistant|user|instructions?|prompt)>/i,
];

/** Words only a system reads: our own field names, and asking that people not be told. */
const INSTRUCTION_TRACES: readonly RegExp[] = [
  /\b(?:paid_already|promise_to_pay|payment_plan_request|document_request|out_of_office|dispute_reason|back_on|paid_on)\b/i,
  /\bdo\s+not\s+(?:tell|mention|inform|notify|alert|show|flag)\b.{0,50}\b(?:staff|anyone|humans?|the\s+team|collectors?|managers?|people|users?)\b/i,
];

export function isInstructionMarker(sentence: string): boolean {
  return has(INSTRUCTION_MARKERS, sentence);
}

export function hasInstructionTrace(sentence: string): boolean {
  return has(INSTRUCTION_TRACES, sentence);
}

// --- out of office ----------------------------------------------------------------------------------------

const OUT_OF_OFFICE: readonly RegExp[] = [
  /\bout\s+of\s+(?:the\s+)?office\b/i,
  /\bOOO\b/,
  /\bon\s+(?:annual\s+|parental\s+|maternity\s+|paternity\s+|sick\s+|long\s+service\s+|study\s+|personal\s+)?leave\b/i,
  /\bannual\s+leave\b/i,
  // (not a holiday that is over, "been on holiday", nor the business closing, "before we closed for the holidays")
  /(?<!\b(?:been|was|were|back\s+from|(?:we|i|they)\s+(?:closed|close|shut))\s+)\b(?:on|for\s+the)\s+(?:holiday|holidays|vacation|christmas\s+break|summer\s+break)\b/i,
  /\b(?:currently|presently)\s+(?:away|out)\b/i,
  /\b(?:i\s+am|i'm|i’m)\s+(?:away|out)\s+(?:until|till|from|on|this|next|for)\b/i,
  /\baway\s+from\s+(?:the|my)\s+(?:office|desk)\b/i,
  /\b(?:automatic|auto)[\s-]?(?:reply|response)\b/i,
  /\b(?:limited|no|intermittent)\s+access\s+to\s+(?:my\s+)?e-?mails?\b/i,
  /\b(?:limited|no|intermittent|patchy|sporadic)\s+(?:e-?mail|internet|phone\s+reception|reception|signal|wifi|wi-fi)(?:\s+access)?\b/i,
  // "I'll be back in the office on the 12th", "back at my desk from Monday", "Back on the 9th."
  /\b(?:i'll|i’ll|i\s+will|ill|i'm|i’m|i\s+am|im)\s+(?:be\s+)?back\s+(?:in\s+(?:the\s+)?office\s+|at\s+(?:my\s+)?(?:desk|work)\s+|at\s+work\s+)?(?:on|from|after|next|monday|tuesday|wednesday|thursday|friday)\b|^\s*back\s+(?:in\s+(?:the\s+)?office\s+|at\s+(?:my\s+)?desk\s+)?(?:on|from)\b/i,
  /\be-?mails?\s+(?:are|is)\s+not\s+being\s+(?:monitored|read|forwarded)\b/i,
  /\bwill\s+not\s+be\s+forwarded\b/i,
  /\b(?:respond|reply|get\s+back\s+to\s+you)\s+(?:to\s+\w+\s+)?(?:when|once|on|upon)\s+(?:i\s+am|i'm|i’m|my)\s+(?:back|return)/i,
  /\babsent\s+(?:from|until)\b/i,
  // "I'm off sick this week", "off work until Monday"
  // (the writer, now: not "our accounts person has been off sick")
  /\b(?:i'm|i’m|i\s+am|im)\s+(?:currently\s+)?(?:off\s+(?:sick|work|ill)|sick|unwell|ill|in\s+hospital)\b/i,
  /\b(?:look\s+at|deal\s+with|action|sort|pick\s+up|attend\s+to)\s+(?:it|this|that|them|your\s+\w+)\s+(?:when|once|on|upon)\s+(?:i\s+am|i'm|i’m|im|i\s+get)\s+back\b/i,
];

/**
 * "Our offices are closed for the Christmas break", "the yard is shut until 5 January": a closure notice, when
 * the sentence says nothing about paying ("we're closed from the 23rd but will pay before then" promises).
 */
const CLOSURE =
  /\b(?:office|offices|we|business|premises|accounts\s+team|workshop|shop|yard|factory|site|store|warehouse|depot|clinic|practice|studio|plant|showroom)\s*(?:is|are|will\s+be|'re|’re|remain|remains)\s+(?:now\s+)?(?:closed|shut)\s+(?:for|from|until|till|over)\b/i;

export function isOutOfOffice(text: string): boolean {
  return has(OUT_OF_OFFICE, text) || (CLOSURE.test(text) && !PAYMENT_WORDS.test(text));
}

/** Words that put a date on the return: "back on", "returning", "until". */
export const RETURN_WORDS =
  /\b(?:back|return|returning|returns|until|till|from|resume|resuming|re-?open|re-?opens|re-?opening|in\s+the\s+office)\b/i;
/** Words that name the day someone is back (not the day they left, "from 21 December"). */
export const BACK_WORDS =
  /\b(?:back|return|returning|returns|resume|resuming|re-?open|re-?opens|re-?opening)\b/i;

// --- disputes ---------------------------------------------------------------------------------------------

const DOCUMENT_NOUN = /\b(?:invoice|statement|bill|e-?mail|reminder|copy|pdf|remittance)s?\b/i;

const DISPUTE_CUES: ReadonlyArray<readonly [DisputeReason, readonly RegExp[]]> = [
  [
    'duplicate',
    [
      /\bduplicat(?:e|ed|es|ion)\b/i,
      /\b(?:billed|charged|invoiced|sent|paid)\s+(?:us\s+|you\s+)?(?:twice|two\s+times|double)\b/i,
      /\bdouble[\s-]?(?:billed|charged|invoiced|billing|charging|counted)\b/i,
      /\btwice\s+for\s+the\s+same\b/i,
      // "6019 and 6011 are the same load", "they're both for the same job"
      /\b(?:are|were|'re|’re)\s+(?:both\s+)?(?:for\s+)?the\s+(?:exact\s+|very\s+)?same\s+(?:load|job|order|delivery|work|shipment|consignment|service|visit|invoice|charge|goods|items?|booking|trip|run)\b/i,
      /\bsame\s+(?:invoice|shipment|order|delivery|work|job|items?|charge|service)\s+twice\b/i,
      /\balready\s+(?:been\s+)?(?:invoiced|billed|charged)\b/i,
      /\bidentical\s+(?:line\s+items|invoices?|charges|amounts)\b/i,
      // "we won't pay for it twice", "you've charged us for this twice"
      /\b(?:pay(?:ing)?|paid|charg\w*|bill\w*|invoic\w*)\s+(?:us\s+)?(?:for\s+)?(?:it|this|that|them|the\s+same\s+\w+)\s+twice\b/i,
      // "these two invoices are for the same delivery", "both bills cover the same job"
      /\b(?:both|two|these|those)\s+(?:invoices|bills|charges)\s+(?:are\s+|were\s+)?(?:for|cover|relate\s+to|refer\s+to)\s+the\s+(?:same|one)\b/i,
      // "it's the same delivery as INV-2210", "identical order to the one we paid in May"
      /\b(?:exact\s+|very\s+)?(?:same|identical)\s+(?:\w+\s+){0,2}?(?:job|order|work|delivery|invoice|charge|items?|shipment|service|goods|bill|visit|consignment)\s+(?:as|to)\s+(?:INV|invoice|bill|the\s+one|one|our|your|the\s+(?:invoice|bill|charge)|an?\s+(?:earlier|previous|older|prior)|#?\d)/i,
      // an old invoice sent again under a new date or number
      /\bre-?dated\b|\bre-?numbered\b|\b(?:re-?sent|re-?issued|re-?billed|re-?invoiced)\s+(?:us\s+)?(?:for\s+)?(?:an?\s+|the\s+)?(?:old|earlier|previous|paid|same)\b/i,
    ],
  ],
  [
    'pricing',
    [
      /\b(?:we\s+were|i\s+was)\s+quoted\b/i,
      /\b(?:the|our|your)\s+(?:quote|quotation|estimate)\s+(?:(?:that\s+)?(?:we|you|i|they)\s+(?:\w+\s+){1,3}?)?(?:was|said|says|stated|came\s+to)\b/i,
      // a change of price nobody agreed: "no one told us about a variation", "extra charges we never approved"
      /\b(?:nobody|no\s+one|no-one|never)\s+(?:told|advised|informed|notified|warned|asked)\s+(?:us|me)\s+(?:about|of|before)\s+(?:any\s+|the\s+|a\s+|an\s+)?(?:variations?|price\s+(?:changes?|increases?|rises?)|increases?|extras?|additional\s+(?:costs?|charges?|work)|changes?\s+(?:in|to)\s+(?:the\s+)?(?:price|rate|cost))\b/i,
      /\b(?:variations?|extras?|additional\s+(?:costs?|charges?)|price\s+(?:changes?|increases?))\b[^.?!]{0,40}\b(?:(?:not|never)\s+(?:been\s+)?(?:agreed|approved|discussed|authori[sz]ed|signed\s+off)|without\s+(?:notice|telling|asking|approval|agreement))/i,
      /\bagreed\s+(?:price|rate|fee|amount|figure|pricing|cost)\b/i,
      /\b(?:price|rate|fee)\s+(?:we|that\s+was|you)\s+agreed\b/i,
      /\bnot\s+the\s+(?:rate|price|fee|amount)\s+(?:we|that\s+was|you)\s+(?:agreed|quoted)\b/i,
      /\brate\s+card\b/i,
      /\b(?:billed|charged|invoiced)\s+(?:us\s+)?at\b/i,
      /\b(?:last\s+year's|last\s+year’s|old|new|higher|wrong|incorrect|increased)\s+(?:prices?|rates?|pricing|fees?)\b/i,
      /\bprice\s+(?:increase|rise|hike|list)\b/i,
      /\bdiscount\s+(?:wasn't|was\s+not|hasn't\s+been|has\s+not\s+been|isn't|not)\s+(?:been\s+)?applied\b/i,
      /\bmore\s+than\s+(?:we\s+were\s+|was\s+)?(?:quoted|agreed)\b/i,
      /\boverpriced\b/i,
      // "we agreed the rush fee would be waived", "the call-out charge was to be written off"
      /\b(?:fee|charge|surcharge|cost|freight|delivery|call-?out|penalty)\b[^.?!]{0,40}\b(?:would|was\s+to|were\s+to|should|to|will)\s+be\s+(?:waived|removed|dropped|written\s+off|credited|left\s+off)\b|\bagreed\b[^.?!]{0,60}\bwaive[sd]?\b/i,
      // "this invoice is at full list price", "charged at the standard rate" (a discount or a deal left off)
      /\b(?:is|was|are|were|at|charged|billed|invoiced)\s+(?:at\s+)?(?:the\s+)?(?:full\s+|normal\s+)?(?:full|list|standard|retail|normal|undiscounted)\s+(?:list\s+)?(?:price|rate|pricing|fee)s?\b/i,
      /\b(?:meant|supposed|agreed|promised)\s+to\s+be\s+(?:free|included|complimentary|no\s+charge|discounted|waived|at\s+cost)\b/i,
      /\bfree\s+(?:delivery|shipping|freight|of\s+charge)\b/i,
      /\bshould(?:n't|\s+not)\s+(?:have\s+)?been\s+charged\b|\bnot\s+(?:supposed|meant)\s+to\s+(?:be\s+)?charged?\b/i,
      /\bcontract(?:ed)?\s+(?:rate|price)\b/i,
      // "the quoted price was…", "the rate you quoted"
      /\bquoted\s+(?:price|rate|fee|amount|figure|cost|total|sum)\b|\b(?:price|rate|fee|amount|figure|cost)\s+(?:you|we\s+were|i\s+was)\s+quoted\b/i,
      // "your rates have gone up", "prices went up without notice"
      /\b(?:prices?|rates?|fees?|charges?|pricing)\s+(?:have\s+|has\s+)?(?:gone\s+up|went\s+up|increased|risen|rose|jumped|gone\s+up)\b/i,
    ],
  ],
  [
    'not_received',
    [
      /\b(?:never|not\s+yet|not|haven't|hasn't|havent|hasnt|have\s+not|has\s+not|didn't|didnt|did\s+not)\s+(?:been\s+|yet\s+|even\s+)*(?:received|arrived|delivered|turned\s+up|shown\s+up|showed\s+up|got|gotten|come)\b/i,
      /\b(?:never|didn't|didnt|did\s+not|hasn't|hasnt|has\s+not|haven't|havent|have\s+not)\s+(?:yet\s+)?(?:arrive|turn\s+up|show\s+up|receive|get)\b/i,
      // part of a delivery: "only one of the three boxes turned up", "only half the order arrived",
      // "we only got two of the four", "we'll pay for what we actually received"
      /\bonly\s+(?:one|two|three|four|five|six|\d+|half|part|some|a\s+few|a\s+third)\s+(?:of\s+)?(?:(?:the|our|your|them|it|this)\s+)?(?:[\w-]+\s+){0,5}?(?:ever\s+|actually\s+)?(?:arrived|turned\s+up|showed\s+up|came(?:\s+through)?|got\s+here|made\s+it|(?:was|were|got|been|being)\s+delivered)\b/i,
      /\b(?:we|i)\s+(?:have\s+|'ve\s+|’ve\s+)?only\s+(?:ever\s+)?(?:received|got|had\s+delivered)\s+(?:half|part|some|one|two|three|four|five|\d+|a\s+few)\s+(?:of\s+)?(?:the|our|your|it|them|what)\b/i,
      /\bpay\s+for\s+what\s+(?:we|i)\s+(?:actually\s+|really\s+)?(?:got|received|have\s+received|took\s+delivery\s+of)\b/i,
      /\bno\s+record\s+of\s+(?:(?:the|these|this|those|our|any|them)\s+)?(?:\w+\s+){0,3}?(?:ever\s+)?(?:arriv\w*|receiv\w*|deliver\w*)/i,
      /\breturned\s+to\s+sender\b/i,
      // "nothing arrived here", "nothing has turned up"
      /\bnothing\s+(?:has\s+|had\s+|ever\s+)?(?:arrived|turned\s+up|showed\s+up|came|come|was\s+delivered|got\s+delivered|been\s+delivered)\b/i,
      /\bstill\s+waiting\s+(?:for|on)\s+(?:the|our|this)\s+(?:goods|order|delivery|parts|items|stock|shipment|parcel|equipment|product)/i,
      /\b(?:lost\s+in\s+transit|undelivered|never\s+showed|short[\s-]?shipped)\b/i,
    ],
  ],
  [
    'wrong_amount',
    [
      /\b(?:charged|billed|invoiced)\s+(?:us\s+)?for\s+\d+\b.{0,60}\b(?:only|but)\b/i,
      /\bonly\s+(?:took|ordered|received|used|had|got|needed|worked|booked|requested|add(?:s|ed)?\s+up\s+to|came\s+to|comes\s+to)\b/i,
      /\b(?:amount|total|quantity|qty|figure|sum|hours|units|count|invoice|balance|price)\s+(?:is|are|was|were|seems?|looks?)\s+(?:wrong|incorrect|too\s+high|inflated|off|not\s+right)\b/i,
      /\bovercharg\w*/i,
      /\bwrong\s+(?:amount|total|quantity|number\s+of|figure|qty|hours)\b/i,
      /\b(?:INV[\s-]?\d+|this(?:\s+invoice)?|it)\s+(?:is|are)\s+(?:wrong|incorrect)\b/i,
      /\bincorrect(?:ly)?\s+(?:amount|total|charged|billed|invoiced|calculated)\b/i,
      /\bdiscrepanc(?:y|ies)\b/i,
      // "GST has been added twice", "the freight's been charged twice": a line counted twice inflates the total
      /\b(?:gst|vat|tax|freight|delivery|fee|surcharge|levy|markup|mark-up)(?:'s|’s)?\s+(?:has\s+been\s+|have\s+been\s+|was\s+|were\s+|been\s+|is\s+)?(?:added|charged|applied|included|counted|calculated)\s+(?:on\s+)?twice\b/i,
      // "$1,150.00, not $1,322.50": the right figure against the billed one
      /(?:[$£€]|\b(?:NZD|AUD|USD|GBP|EUR|CAD)\s?)\s?\d[\d,]*(?:\.\d{1,2})?\s*,?\s+not\s+(?:[$£€]|\b(?:NZD|AUD|USD|GBP|EUR|CAD)\s?)\s?\d/i,
      // "charged for 24 children who did not attend", "only 96 attended"
      /\b(?:charged|billed|invoiced)\s+(?:us\s+)?for\s+\d+\s+(?:\w+\s+){0,2}?(?:who|that|which)\s+(?:did\s+not|didn't|never|weren't|were\s+not|was\s+not|wasn't|were\s+never|was\s+never)\b|\bonly\s+\d+\s+(?:\w+\s+){0,2}?(?:attended|came|turned\s+up|showed\s+up|were\s+(?:delivered|used|supplied|present))\b/i,
      // "Timesheets your bloke signed say 34", "our dockets show 14 loads": the customer's own record of a figure
      /\b(?:timesheets?|time\s+sheets?|dockets?|delivery\s+notes?|our\s+records|register|logbooks?|sign-?in\s+sheets?|job\s+cards?)\b[^.?!]{0,40}\b(?:say|says|said|show|shows|showed|record|records|recorded)\s+(?:only\s+|just\s+)?\d/i,
      /\bshould\s+(?:only\s+)?(?:be|have\s+been)\s+(?:[$£€]|NZ\$|A\$|US\$)?\s?\d/i,
      // "the hours don't match our timesheets", "the quantity doesn't agree with the delivery docket"
      /\b(?:hours|amount|total|quantity|quantities|qty|figures?|charges?|units|count|rate|invoice|lines?)\b[^.?!]{0,40}\b(?:don't|do\s+not|doesn't|does\s+not|didn't|did\s+not)\s+(?:match|agree\s+with|tally|line\s+up|reconcile\s+with)\b/i,
      // "you've billed 44 hours, our sheets show 36"
      /\b(?:billed|charged|invoiced)\s+(?:us\s+)?(?:for\s+)?\d[\d,.]*\b[^.?!]{0,60}\b(?:show|shows|showed|say|says|said|record|records|recorded|have|has)\s+(?:only\s+)?\d/i,
    ],
  ],
  [
    'quality',
    [
      // (not the idiom "it's smashed us", "that's broken me")
      /\b(?:faulty|defective|damaged|broken|cracked|chipped|smashed|shattered|torn|stained|warped|scratched|dented|leaking|mouldy|moldy|spoiled|spoilt|rotten|substandard|sub-standard|shoddy|unusable|unfit)\b(?!\s+(?:us|me|them|him|her)\b)/i,
      /\bpoor(?:ly)?\s+(?:quality|workmanship|done|finished|made|executed|installed)\b/i,
      /\bnot\s+(?:up\s+)?to\s+(?:standard|spec|scratch|code)\b/i,
      /\bnot\s+what\s+(?:we|i)\s+(?:agreed|ordered|asked\s+for|expected|were\s+promised|signed\s+up\s+for)\b/i,
      /\b(?:it|they|unit|units|machine|product|system|software|app|device|part|parts|equipment|item|items)\s+(?:still\s+|just\s+)?(?:doesn't|don't|does\s+not|do\s+not|didn't|did\s+not|won't|will\s+not)\s+(?:work|power\s+on|turn\s+on|switch\s+on|start)\b|\bstopped\s+working\b|\b(?:is|are|was|were)\s+(?:still\s+)?not\s+working\b/i,
      // a finish failing: peeling, flaking, rusting; goods dead on arrival or malfunctioning
      /\b(?:peeling|flaking|blistering|rusting|rusted|corroded|malfunction(?:s|ing|ed)?|dead\s+on\s+arrival|DOA)\b|\b(?:won't|will\s+not|doesn't|does\s+not|didn't|did\s+not|don't|do\s+not)\s+(?:even\s+)?(?:power|turn|switch|boot)\s+(?:on|up)\b/i,
      // "not paying until it's redone / fixed / replaced"
      /\buntil\s+(?:it(?:'s|’s|\s+is|\s+has\s+been)|they(?:'re|’re|\s+are|\s+have\s+been))\s+(?:been\s+)?(?:redone|re-done|fixed|repaired|replaced|rectified|put\s+right|made\s+good)\b/i,
      // "until it works as specified", "until the system is working properly"
      /\buntil\s+(?:it|they|the\s+\w+)\s+(?:works?|is\s+working|are\s+working|runs?\s+properly|performs?)\b/i,
      /\bwrong\s+(?:shade|colou?r|size|item|items|product|model|part|parts|spec|specification|finish)\b/i,
      /\bneeds?\s+to\s+be\s+(?:redone|replaced|fixed|repaired|re-done)\b|\bre-?work\b/i,
      /\b(?:unhappy|not\s+happy|dissatisfied|not\s+satisfied)\s+with\b/i,
      /\bnot\s+fit\s+for\s+purpose\b/i,
      /\b(?:work|job|project|installation|site|build|renovation|it)\s+(?:isn't|wasn't|aren't|weren't|is\s+not|was\s+not|has\s+not\s+been|hasn't\s+been)\s+(?:yet\s+)?(?:finished|complete|completed|done)\b/i,
      /\bhalf[\s-](?:done|finished|complete)\b|\bunfinished\b|\bincomplete\b|\b(?:only\s+)?partially\s+(?:completed|complete|done|finished|installed|fitted|built)\b/i,
      /\b(?:complaint|defects?)\b/i,
      /\b(?:deliverables?|work|job|installation|service)\s+(?:was|were|is|are)\s+(?:not|never)\s+(?:what|completed|finished|done|delivered\s+as)/i,
    ],
  ],
];

/** A service that never took place ("the visit never happened"): not received, said of a service. */
const SERVICE_NEVER_GIVEN =
  /\bnever\s+(?:happened|took\s+place|went\s+ahead|performed|carried\s+out|provided|rendered|attended|came)\b|\b(?:didn't|did\s+not|never)\s+(?:happen|take\s+place|go\s+ahead)\b|\b(?:was|were)\s+(?:never|not)\s+(?:performed|carried\s+out|provided|rendered|attended)\b|\bno[\s-]show\b/i;
const SERVICE_NOUN =
  /\b(?:service|services|visit|appointment|call[\s-]?out|job|work|session|training|course|class|inspection|repair|installation|install|booking|event|consultation|clean|cleaning|maintenance|delivery)\b/i;

/** A credit not taken off ("you haven't applied our credit note"), said outright, not wondered about. */
const CREDIT_NOT_APPLIED =
  /\bcredit(?:\s+note)?\b[^.?!]{0,60}\b(?:not|never|hasn't|has\s+not|wasn't|was\s+not|haven't|have\s+not)\s+(?:been\s+|yet\s+)*(?:applied|taken\s+off|deducted|included|allowed\s+for|netted\s+off)\b|\b(?:haven't|hasn't|have\s+not|has\s+not|didn't|did\s+not|not|forgot\s+to|forgotten\s+to)\s+(?:yet\s+)?(?:apply|applied|take\s+off|taken\s+off|took\s+off|deduct|deducted|include|included|allow\s+for|allowed\s+for)\b[^.?!]{0,40}\bcredit\b/i;
const HEDGE = /\b(?:think|thought|may|might|maybe|perhaps|possibly|not\s+sure|wonder|whether|if\s+there)\b/i;

/** Words that dispute without saying why. */
const DISPUTE_GENERIC: readonly RegExp[] = [
  // (not "we dispute nothing", "we're not disputing it")
  /(?<!\b(?:not|no|don't|never|aren't|isn't)\s+)\bdisput(?:e|ed|es|ing)\b(?!\s+(?:nothing|none\s+of|it\s+not))/i,
  /\bwithhold(?:ing)?\s+(?:payment|the\s+payment)\b/i,
  /\b(?:won't|will\s+not|wont)\s+be\s+paying\b|\bnot\s+paying\s+(?:this|for|until)\b|\brefuse\s+to\s+pay\b/i,
  /\bon\s+hold\s+until\b.{0,60}\b(?:resolved|sorted|fixed|credit|corrected)\b/i,
  /\b(?:don't|do\s+not)\s+agree\s+with\s+(?:this|the)\s+(?:invoice|charge|amount|bill)\b/i,
  // "we never ordered this", "nobody here authorised that work", "we cancelled this order in January"
  /\b(?:never|didn't|did\s+not|nobody\s+(?:here\s+)?|no\s+one\s+(?:here\s+)?)\s*(?:ever\s+)?(?:ordered|authori[sz]ed|approved|requested|agreed\s+to|signed\s+(?:up\s+for|off\s+on))\s+(?:this|that|these|those|it|them|anything|any\s+(?:work|goods|of\s+this)|the\s+(?:work|order|goods|service|extras?))\b|\b(?:never|didn't|did\s+not)\s+order\s+(?:this|that|these|those|it|them|anything|from\s+you)\b/i,
  /\b(?:we|i)\s+(?:had\s+|have\s+|'ve\s+|’ve\s+)?cancell?ed\s+(?:this|that|the|our)\s+(?:order|job|booking|contract|subscription|service|work)\b|\bwhy\s+(?:are|were|have)\s+(?:we|i)\s+(?:being\s+|been\s+)?(?:invoiced|charged|billed)\b/i,
];

export interface DisputeCue {
  readonly reason: DisputeReason | null;
}

/** The dispute reason a sentence gives, most specific first; null reason for a dispute without one. */
export function disputeCue(sentence: string): DisputeCue | null {
  for (const [reason, res] of DISPUTE_CUES) {
    const hit = res.find((re) => re.test(sentence));
    if (!hit) continue;
    // "We never received the invoice" asks for a document; it does not dispute a delivery.
    if (reason === 'not_received' && DOCUMENT_NOUN.test(sentence) && !GOODS_NOUN.test(sentence)) continue;
    // "Has it not arrived?" after "we mailed the cheque": a question about our money, not their goods.
    if (reason === 'not_received' && /\?\s*$/.test(sentence) && !GOODS_NOUN.test(sentence)) continue;
    return { reason };
  }
  if (SERVICE_NEVER_GIVEN.test(sentence) && SERVICE_NOUN.test(sentence)) return { reason: 'not_received' };
  if (CREDIT_NOT_APPLIED.test(sentence) && !HEDGE.test(sentence)) return { reason: 'wrong_amount' };
  return has(DISPUTE_GENERIC, sentence) ? { reason: null } : null;
}

const GOODS_NOUN =
  /\b(?:goods|order|orders|delivery|deliveries|parcel|pallets?|items?|shipment|stock|parts|equipment|product|products|materials?|units|courier|consignment|package|tiles|boxes|service|work|licen[cs]es?|keys|seats|subscriptions?|software|access|logins?|credentials|reports?|samples?|supplies)\b/i;

// --- payments made -----------------------------------------------------------------------------------------

const PAID_CLAIMS: readonly RegExp[] = [
  /\b(?:weve|ive|theyve)\s+(?:already\s+|just\s+)?(?:paid|transferred|wired|remitted|settled|sent\s+(?:it|the\s+payment|payment|the\s+money))\b/i,
  // "this is paid", "that one's settled", "INV-2210 is all paid up" (not "is paid on the 20th of each month")
  /(?<!\b(?:until|till|til|once|when|before|after|unless|if|whether|soon\s+as|make\s+sure|makes\s+sure|ensure|see\s+that|check\s+that)\s+)\b(?:this|that|it|this\s+one|that\s+one|(?:the|this|that|your)\s+(?:invoice|bill|account)|inv[\s-]?\d+)\s*(?:is|'s|’s|s)\s+(?:now\s+|all\s+|already\s+|definitely\s+|fully\s+)*(?:paid|settled)(?:\s+(?:up|off|in\s+full))?\b(?!\s+(?:on\b|by\b|before\b|via|through|monthly|weekly|every|each|when|once|in\s+(?:instal|parts|arrears)|from|out\s+of|at\s+the|next|this|tomorrow|soon|later|after|upon))/i,
  // "check your bank", "it's in your account": pointing at money already sent
  /\bcheck\s+(?:your|ur|the)\s+bank\b(?!\s+(?:details|account\s+(?:details|number)|info))|\b(?:it|that|the\s+(?:money|funds|payment))\s*(?:is|'s|’s|should\s+be)\s+(?:already\s+)?in\s+your\s+(?:account|bank)(?:\s+(?:already|by\s+now|now))?\b(?!\s+(?:by|on|tomorrow|next|within|in\s+\d))/i,
  // "we've put it through", "I pushed the payment through yesterday"
  /(?:\b(?:we|i|they|weve|ive)(?:\s+have|'ve|’ve|\s+had)?\s+(?:already\s+|just\s+)?(?:put|pushed|ran|run)|^\s*(?:already\s+|just\s+)?pushed)\s+(?:it|this|that|the\s+(?:payment|transfer|invoice|bill))\s+through\b/i,
  /\b(?:payment|money|funds|transfer)\s*(?:'s|’s|\s+has|\s+have)?\s+(?:already\s+)?(?:gone\s+(?:out|through|across)|left\s+(?:our|my|the)\s+(?:account|bank))\b/i,
  // "cheque's in the mail", "the payment is in the post"
  /\b(?:cheque|check|payment)(?:'s|’s|\s+is|\s+has\s+been)\s+(?:already\s+)?(?:in\s+the\s+(?:mail|post)|posted|mailed)\b/i,
  // (not a supposition: "would it be OK if we paid $500 now")
  /(?<!\b(?:if|once|when|until|unless|whether)\s+)\b(?:we|i|they|our\s+(?:bank|accounts?|finance|ap|accounts\s+payable|payables)(?:\s+team)?)(?:\s+have\s+|'ve\s+|’ve\s+|\s+had\s+|'d\s+|\s+)(?:already\s+|just\s+|actually\s+)?(?:paid|transferred|wired|remitted|settled|deposited)\b/i,
  /\b(?:we|i|they)(?:\s+have\s+|'ve\s+|’ve\s+|\s+had\s+|\s+)(?:already\s+|just\s+)?(?:sent|made|did|mailed|posted|processed|released|issued|lodged|initiated|actioned|completed|scheduled\s+and\s+sent)\s+(?:the\s+|a\s+|an\s+|your\s+|our\s+|full\s+)?(?:bank\s+|online\s+|electronic\s+|direct\s+)?(?:payment|deposit|funds|money|transfer|cheque|check|remittance|it\b|this\b|amount|balance|[$£€]|NZ\$|A\$|US\$)/i,
  /\b(?:payment|funds?|money|the\s+(?:transfer|amount|balance|money|invoice|bill)|a\s+transfer|cheque|check(?:\s*(?:#|no\.?|number)\s*\d+)?|remittance|(?:this|that)(?:\s+(?:one|invoice|bill))?|it|inv[\s-]?\d+)\s+(?:already\s+)?(?:was|were|has\s+been|have\s+been|had\s+been|'s\s+been|’s\s+been|went|got|has\s+already\s+been|was\s+already|is\s+already)\s+(?:already\s+)?(?:paid|sent|transferred|wired|remitted|mailed|posted|made|processed|settled|cleared|lodged|deposited|out|through|across|issued|released|actioned|initiated|sorted|taken\s+care\s+of)\b/i,
  /^\s*(?:(?:hi|hello|hey|morning)\b[^,.!]{0,20}[,.!-]\s*)?(?:(?:just|already)\s+)?(?:paid|transferred|settled|sent)\b(?!\s+(?:on\s+time|attention|to\s+the\s+wrong))/i,
  /\balready\s+(?:been\s+)?(?:paid|settled|cleared)\b/i,
  // the subject dropped, as typed: "Have transferred £500 today", "Have paid this now"
  /^\s*(?:(?:hi|hello|hey|morning)\b[^,.!]{0,20}[,.!-]\s*)?(?:have|'ve|’ve)\s+(?:just\s+|already\s+|now\s+)?(?:paid|transferred|sent|wired|remitted|settled|deposited)\b/i,
  // "cheque mailed Monday", "payment sent yesterday", "transfer went through this morning": the verb without "was"
  /(?<!\b(?:have|has|had|get|gets|getting|got|be|being|been|once|when|until|till)\s+(?:the\s+|a\s+|your\s+|our\s+|this\s+|that\s+)?)\b(?:cheque|check|payment|transfer|remittance|funds|eft|bacs|ach|wire|bpay)\s+(?:already\s+)?(?:mailed|posted|sent|released|processed|lodged|went\s+(?:out|through))\b(?!\s+(?:to\s+the\s+wrong|tomorrow|next|soon|later|by\b|once|when|as\s+soon))/i,
  /\b(?:remittance|proof\s+of\s+payment|payment\s+confirmation|transfer\s+(?:receipt|confirmation))\s+(?:advice\s+)?(?:is\s+)?(?:attached|below|enclosed|sent)\b|\b(?:see|attached)\s+(?:the\s+|our\s+)?remittance\b/i,
  /\b(?:a\s+été|avons|ont\s+été|est)\s+(?:déjà\s+)?(?:payée?s?|réglée?s?|viré)\b/i,
  /\b(?:ya\s+)?(?:pagamos|fue\s+pagad[oa]|hemos\s+pagado|se\s+pagó)\b/i,
  /\b(?:bereits\s+|schon\s+)(?:bezahlt|überwiesen)\b|\bwurde\s+(?:bereits\s+)?(?:bezahlt|überwiesen)\b/i,
];

/** "…as we believe we've paid part of this?": a question that wonders, not a claim of payment. */
const HEDGED_QUESTION = /\b(?:believe|think|thought|may\s+have|might\s+have|not\s+sure|wonder)\b[^?]*\?\s*$/i;

export function isPaidClaim(text: string): boolean {
  return has(PAID_CLAIMS, text) && !HEDGED_QUESTION.test(text);
}

// --- payment plans -----------------------------------------------------------------------------------------

const PLAN_CUES: readonly RegExp[] = [
  /\b(?:re)?payment\s+(?:plan|arrangement|schedule)\b|\barrangement\s+to\s+pay\b/i,
  // "can we talk about a plan", "set up some sort of arrangement"
  /\b(?:talk\s+about|discuss|set\s+up|arrange|agree(?:\s+on)?|work\s+out|organi[sz]e|put\s+in\s+place|come\s+to)\s+(?:a|an|some\s+(?:kind|sort)\s+of)\s+(?:repayment\s+|payment\s+)?(?:plan|schedule|arrangement)\b/i,
  // "the rest over the next two months", "the balance spread across the following weeks"
  /\b(?:rest|balance|remainder|remaining\s+(?:balance|amount))\s+(?:spread\s+|split\s+)?(?:over|across)\s+(?:the\s+)?(?:next|following|coming)\s+(?:few\s+|couple\s+(?:of\s+)?|two\s+|three\s+|four\s+|five\s+|six\s+|\d+\s+)?(?:months|weeks|fortnights|pay\s+runs|pay\s+periods)\b/i,
  /\binstal(?:l)?ments?\b/i,
  /\bsplit\s+(?:this|it|that|the\s+(?:payment|balance|amount|bill|invoice|cost|total))?\s*(?:into|over|in|across)\b/i,
  /\bspread\s+(?:this|it|that|the\s+(?:payment|payments|balance|amount|cost|total))?\s*(?:over|across|out)\b/i,
  /\b(?:monthly|weekly|fortnightly)\s+(?:payments?|amounts|sums|instal)/i,
  /\bpay\s+(?:it|this|that|them|these|those|the\s+balance|the\s+invoices?)?\s*off\s+(?:in|over|at|by)\b/i,
  /\b(?:a|per|each|every)\s+(?:month|week|fortnight)\s+(?:for|over|until)\b/i,
  /\bhalf\s+now\b/i,
  /\bin\s+(?:two|three|four|five|six|\d+)\s+(?:parts|payments|lots|chunks|stages|tranches)\b/i,
  /\bpay\s+(?:it|this)\s+in\s+(?:parts|stages|bits|chunks)\b/i,
  // A sum per period is a schedule: "$400 a week", "£250 per month", "NZD 300 every fortnight", "$500/month".
  /(?:(?:NZ|AU|A|US|C)?\$|£|€|\b(?:NZD|AUD|USD|GBP|EUR|CAD)\s?)\s?\d[\d,]*(?:\.\d{1,2})?k?\s*(?:a|per|each|every|\/)\s*(?:week|fortnight|month|wk|mth|mo|mos|mnth|fn)\b/i,
  // "$1,500 monthly", "£200 weekly until it's cleared"
  /(?:(?:NZ|AU|A|US|C)?\$|£|€|\b(?:NZD|AUD|USD|GBP|EUR|CAD)\s?)\s?\d[\d,]*(?:\.\d{1,2})?k?\s+(?:weekly|fortnightly|monthly)\b/i,
  /\b(?:weekly|fortnightly|monthly)\s+(?:amounts?\s+of\s+|payments?\s+of\s+|of\s+)?(?:[$£€]|NZ\$|A\$|US\$)\s?\d/i,
  // "pay it off weekly", "clear the balance monthly", "chip away at it fortnightly"
  /\b(?:pay(?:ing)?|clear(?:ing)?|chip(?:ping)?\s+away\s+at)\s+(?:it|this|that|the\s+(?:balance|invoice|bill|amount|debt|account)\s*)?\s*(?:off\s+)?(?:weekly|fortnightly|monthly|bit\s+by\s+bit|gradually|week\s+by\s+week|month\s+by\s+month)\b/i,
];
const PLAN_REQUEST_ONLY: readonly RegExp[] = [
  // "could we do 400/wk", "would 250 a month work": a sum per period without its currency, asked for
  /\b\d[\d,]*(?:\.\d{1,2})?k?\s*(?:\/|a|per|each|every)\s*(?:week|fortnight|month|wk|mth|mo|mnth)\b/i,
  /\bpart(?:ial)?[\s-]payments?\b/i,
  /\bmore\s+time\s+to\s+pay\b/i,
];
const REQUEST_FRAMING =
  /\?|\b(?:can|could|may)\s+(?:we|i)\b|\bwould\s+(?:you|it\s+be)\b|\bis\s+it\s+possible\b|\bany\s+chance\b|\b(?:we'd|we\s+would|i'd|i\s+would)\s+like\b|\bpropose\b|\bsuggest\b|\bare\s+you\s+(?:able|open|ok|okay)\b/i;

/**
 * A question asking us to agree to terms the customer proposes: "would you accept…", "would that work?",
 * "is that OK?", "could we do…". With more than one payment proposed it asks for a plan, not a promise.
 * ("Hope that's OK" is a courtesy, not a question.)
 */
const AGREEMENT_QUESTION: readonly RegExp[] = [
  /\bwould\s+you\s+(?:be\s+)?(?:accept|agree|consider|ok|okay|happy|willing|open)\b/i,
  /\bwould\s+(?:that|this|it)\s+(?:work|suit|do|be\s+(?:ok|okay|acceptable|alright|all\s+right|possible|fine|agreeable))\b/i,
  /\bis\s+it\s+(?:ok|okay|alright|all\s+right|possible|acceptable|fine)\s+(?:if|to)\b/i,
  /\b(?:is|are)\s+(?:that|this|you)\s+(?:ok|okay|acceptable|alright|all\s+right|fine|agreeable|possible)(?:\s+(?:with|for)\s+(?:you|that|this)\w*)?[^.?!]{0,20}\?/i,
  /\b(?:does|will)\s+(?:that|this)\s+(?:work|suit)(?:\s+for\s+you\w*)?[^.?!]{0,20}\?/i,
  /\b(?:can|could)\s+we\s+(?:do|agree|arrange|set\s+up|go\s+with)\b/i,
  /\bare\s+you\s+(?:ok|okay|happy|open|willing)\s+(?:with|to)\b/i,
  /\blet\s+(?:me|us)\s+know\s+if\s+(?:that|this)(?:'s|’s|s|\s+is|\s+would\s+be)?\s+(?:ok|okay|works?|acceptable|alright|all\s+right|fine|suits?)\b/i,
];

export function asksForAgreement(text: string): boolean {
  return has(AGREEMENT_QUESTION, text);
}

export function isPlanRequest(text: string): boolean {
  return has(PLAN_CUES, text) || (has(PLAN_REQUEST_ONLY, text) && REQUEST_FRAMING.test(text));
}

// --- documents ---------------------------------------------------------------------------------------------

const DOCUMENT_CUES: readonly RegExp[] = [
  /\bre-?send\b|\bre-?issue\b/i,
  /\bsend\s+(?:us\s+|me\s+)?(?:over\s+|through\s+|across\s+)?(?:a\s+|the\s+|an\s+|one\s+)?(?:copy|copies|invoice|statement|pdf|receipt|credit\s+note|w-?9|w-?8|remittance|proof|breakdown|timesheets?|details|documentation)\b/i,
  /\bcop(?:y|ies)\s+of\s+(?:the\s+|this\s+|that\s+|our\s+|your\s+)?(?:signed\s+)?(?:invoice|statement|bill|receipt|contract|po|purchase\s+order|timesheet|quot(?:e|ation)|estimate|delivery\s+(?:order|docket|note)|job\s+sheet|work\s+order|day\s+sheet)/i,
  // "kindly furnish / provide / forward the signed delivery order", "please share the job sheet"
  /\b(?:furnish|provide|forward|share|supply)\s+(?:us\s+|me\s+)?(?:with\s+)?(?:a\s+|the\s+|an\s+|your\s+)?(?:signed\s+|updated\s+|corrected\s+|original\s+)?(?:copy|copies|invoice|statement|receipt|quot(?:e|ation)|estimate|delivery\s+(?:order|docket|note)|job\s+sheet|work\s+order|timesheets?|breakdown|proof|documentation|paperwork|credit\s+note)\b/i,
  // "which site does this relate to?", "what does this invoice refer to?"
  /\b(?:which|what)\s+(?:\w+\s+)?(?:does|do|did)\s+(?:this|it|these|that)\s+(?:invoice\s+|bill\s+|charge\s+)?(?:relate|refer|apply|pertain|belong)\s+to\b|\bwhich\s+(?:site|address|location|branch|store|project|contract|visit)\b/i,
  /\bstatement(?:\s+of\s+account)?\b/i,
  /\bproof\s+of\s+delivery\b|\bPOD\b/i,
  /\bw-?9\b|\bw-?8(?:ben)?\b|\btax\s+invoice\b|\bABN\b|\bVAT\s+(?:number|invoice|receipt|reg)/i,
  /\b(?:po|purchase\s+order)\s*(?:number|no\.?|#|reference|ref)\b|\bPO\b/,
  /\b(?:confirm|verify|send|provide)\s+(?:us\s+)?(?:your\s+|the\s+)?(?:bank|banking|account|remittance|payment)\s+(?:details|information|info)\b|\bbank\s+details\b/i,
  /\bcan(?:'|’)?t\s+(?:find|locate|match|see|reconcile)\b|\bcannot\s+(?:find|locate|match|reconcile)\b|\bunable\s+to\s+(?:find|locate|match|reconcile)\b/i,
  /\b(?:don't|do\s+not)\s+have\s+(?:a\s+copy|the\s+invoice|this\s+invoice|any\s+record\s+of\s+(?:this|the)\s+invoice)\b/i,
  /\b(?:never|not)\s+(?:received|got|seen)\s+(?:the|this|an|your|that)\s+invoice\b/i,
  /\bwhat\s+(?:is|was)\s+(?:this|it)\s+(?:invoice\s+)?for\b|\bis\s+this\s+for\b|\bwhich\s+(?:order|service|job|month|project|delivery|po|invoice)\b/i,
  /\b(?:breakdown|itemi[sz]ed|itemisation|itemization)\b/i,
  /\bbilling\s+address\b|\b(?:updated|corrected|amended|revised)\s+invoice\b/i,
  /\bneeds?\s+(?:a|an|the)\s+(?:w-?9|invoice|statement|po|copy|receipt|form)\b/i,
  /\b(?:confirm|clarify|check|tell\s+us|let\s+us\s+know)\s+(?:what\s+|the\s+)?(?:amount|balance|total|figure)\s+(?:is\s+)?(?:outstanding|owing|owed|due|left)\b/i,
  /\bhow\s+much\s+(?:is\s+|do\s+we\s+)?(?:still\s+)?(?:outstanding|owing|owe|owed|left)\b/i,
];

export function isDocumentRequest(text: string): boolean {
  return has(DOCUMENT_CUES, text);
}

// --- somebody else -----------------------------------------------------------------------------------------

/** Someone else should be written to: strong enough alone. */
const REDIRECT_STRONG: readonly RegExp[] = [
  /\bno\s+longer\s+(?:the\s+(?:right|correct|best|appropriate)|responsible|handl|deal|look\w*\s+after|work\w*|with|at|in\s+charge|employed|part\s+of)/i,
  /\b(?:has|have|had|'s|’s)\s+(?:now\s+|since\s+)?left\s+(?:the\s+)?(?:company|business|firm|organisation|organization|team|role)\b|\bleft\s+the\s+(?:company|business|firm)\b/i,
  /\bmoved\s+on\s+from\b|\bmoved\s+to\s+a\s+(?:new|different)\s+role\b/i,
  /\b(?:is|am|i'm|i’m)\s+not\s+the\s+(?:right|correct|best|appropriate)\s+(?:person|contact)\b|\bwrong\s+(?:person|contact)\b/i,
  /\b(?:i|we)\s+only\s+(?:handle|deal\s+with|look\s+after|do)\b/i,
  /\bplease\s+update\s+your\s+(?:records|contact\s+details|contacts)\b/i,
  // an insolvency: the administrators or liquidators answer for the company now
  /\b(?:in|into|entered|gone\s+into|under)\s+(?:voluntary\s+)?(?:administration|receivership|liquidation)\b[^.?!]{0,80}\b(?:queries|claims|correspondence|creditors?|contact|go|direct|refer)\b|\b(?:queries|claims|correspondence)\s+(?:should\s+)?(?:go|be\s+sent|be\s+directed|be\s+referred)\s+to\s+the\s+(?:administrators?|liquidators?|receivers?)\b/i,
  // "I don't handle the accounts any more", "I don't do the invoices now"
  /\b(?:don't|do\s+not|doesn't|does\s+not|don’t|doesn’t)\s+(?:look\s+after|handle|deal\s+with|do|manage|process|pay|work\s+on|take\s+care\s+of)\s+(?:the\s+|our\s+|any\s+)?(?:accounts?|billing|payments?|invoices?|payables|finances?|bills|ap|books|bookkeeping)\b[^.?!]{0,30}\b(?:any\s?more|now|these\s+days)\b/i,
  // "I'm in sales, not accounts", "not my department"
  /\b(?:i'm|i’m|i\s+am|we're|we’re|we\s+are)\s+(?:in|with|from)\s+(?:the\s+)?\w+(?:\s+\w+)?,?\s+not\s+(?:in\s+)?(?:accounts|billing|finance|payables|accounts\s+payable|ap|bookkeeping)\b|\bnot\s+my\s+(?:department|area|responsibility)\b/i,
  // "all that's handled by our head office now", "invoices are processed through our parent company"
  /(?:\b(?:is|are|that's|that’s|it's|it’s|all\s+that's|all\s+that’s)|(?<=\w)(?:'s|’s))\s+(?:all\s+)?(?:now\s+)?(?:done|handled|dealt\s+with|processed|managed|paid|looked\s+after)\s+(?:through|by|via|at)\s+(?:our\s+|the\s+)?(?:head\s+office|parent\s+company|group\s+office|accounts?\s+(?:team|department|dept)|finance\s+(?:team|department|dept)|accountants?|bookkeepers?|shared\s+services|central\s+(?:accounts|finance))\b/i,
  // "please contact our accounts team", "you'll need to speak to the finance department": a team, no address
  /(?:^|\bplease\s+|\byou(?:'ll|’ll|\s+will)?\s+(?:need|want|have|should)\s+(?:to\s+)?|\bbest\s+to\s+)(?:contact|email|e-mail|call|ring|get\s+in\s+touch\s+with|reach\s+out\s+to|speak\s+(?:to|with)|talk\s+to|direct\s+(?:this|these|your\s+\w+|any\s+\w+)\s+to|send\s+(?:this|it|them|these|invoices|reminders|statements)\s+to)\s+(?:our|the)\s+(?:accounts?|finance|billing|ap|accounts\s+payable|payables|head\s+office|bookkeeper|accountant|office\s+manager)(?:\s+(?:team|department|dept|office|people|manager|section|staff))?\b/i,
  // "I've cc'd our AP team", "copying in our accounts department": the thread handed on to named people
  /\b(?:cc(?:'|’)?d|cc(?:'|’)?ed|cc'ing|copied|copying|looped|looping|added)\s+(?:in\s+)?(?:our|the|my)\s+(?:accounts?|ap|finance|billing|payables|accounts\s+payable|bookkeeper|accountant|office\s+manager|head\s+office)(?:\s+(?:team|department|dept|people|manager|section|staff|person))?(?:\s+in)?\b/i,
];
/** Pointing somewhere: a redirect when an address comes with it. */
const REDIRECT_WITH_ADDRESS: readonly RegExp[] = [
  /\b(?:send|direct|forward|address|redirect|email|e-mail|route)\s+(?:all\s+|any\s+|future\s+|your\s+|these\s+|this\s+|the\s+)?(?:ap\s+|accounts?\s+|billing\s+|payment\s+|invoice\s+)?(?:correspondence|invoices?|reminders?|emails?|queries|inquiries|enquiries|statements?|this|it|them|billing|requests?|questions?)\b/i,
  /\b(?:reach\s+out|speak|talk|write)\s+to\b|\bcontact\s+\p{Lu}/iu,
  /\bshould\s+(?:now\s+)?(?:go|be\s+sent|be\s+addressed)\s+to\b|\bgoing\s+forward\b|\bfrom\s+now\s+on\b/i,
  // "send anything to do with payments to…", "email everything billing-related to…"
  /\b(?:send|direct|forward|email|e-mail|refer|pass)\s+(?:anything|everything|all\s+(?:of\s+)?(?:that|this|those|them)|any(?:thing)?\s+(?:to\s+do\s+with|about|regarding|re|relating\s+to|for))\b/i,
  // "not me, try sam@…", "our accounts email is accounts@…"
  /\btry\s+(?=[\w.+-]+@)|\bnot\s+me\b|\b(?:accounts?|billing|finance|ap|payables|invoices?|invoicing)\s+(?:e-?mail|address|inbox)\s+is\b/i,
  /\bloop(?:ing|ed)?\s+in\b|\bcc(?:'|’)?(?:d|ed|ing)\b|\bcopying\s+in\b|\b(?:contact|email|address)\s+(?:is\s+)?now\b/i,
  /\b(?:handles?|looks?\s+after|takes?\s+care\s+of|manages?)\s+(?:our\s+|all\s+)?(?:billing|payments|accounts|invoices|ap|payables)\b/i,
];

export function redirectStrength(text: string): 'strong' | 'pointer' | null {
  if (has(REDIRECT_STRONG, text)) return 'strong';
  if (has(REDIRECT_WITH_ADDRESS, text)) return 'pointer';
  return null;
}

export const EMAIL_ADDRESS = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;

// --- promises ----------------------------------------------------------------------------------------------

/** Money moving: what a promise is about. */
const PAYMENT_WORDS =
  /\b(?:pay|pays|paid|paying|payment|payments|pmt|repay|transfer|transfers|transferring|transfering|transfered|remit|remittance|settle|settled|settling|clear|cleared|clearing|funds?|money|cheque|check\s+run|pay\s*run|payment\s+run|bacs|ach|wire|eft|direct\s+credit|balance|amount|outstanding|sorted|process|processed|square\s+(?:it\s+|this\s+|that\s+|them\s+|things\s+|the\s+\w+\s+)?up|squared|settle\s+(?:it\s+|this\s+|things\s+)?up|pay\s+(?:it\s+|this\s+)?up|fix\s+(?:you|it)\s+up|processing|(?:push|pushed|pushing|put|putting)\s+(?:it|this|that|them|the\s+\w+)\s+through|(?:internet|online|net|mobile)\s+banking|(?:get|gets|getting)\s+(?:it\s+|this\s+|that\s+|them\s+|payment\s+|the\s+\w+\s+)?(?:out|through|across)|release|released|releasing|go\s+out|goes\s+out|gone\s+out|going\s+out|the\s+rest|remainder|remaining|run|paiement|virement|réglé|régler|payer|pago|pagar|zahlung|zahlen|überweisen|betalen|betaling)\b/i;

/** Words that commit to a future act (or ask us to wait). */
const FUTURE_WORDS =
  /\b(?:will|shall|expect|expected|anticipate|anticipated|going\s+to|gonna|plan(?:ning)?\s+to|intend(?:ing)?\s+to|aim(?:ing)?\s+to|expect(?:ing)?\s+to|hope\s+to|hoping\s+to|should|scheduled|booked|approved|lined\s+up|queued|due\s+to|can|could|happy\s+to|able\s+to|paying|transferring|transfering|sending|releasing|processing|to\s+follow|will\s+follow|eta|sera|seront|será|wird|werden|zal)\b|'ll\b|’ll\b|\bill\s+(?:pay|send|transfer|get|have|do|sort|make|put|pop|drop|deposit|wire|mail|clear|settle|fix)\b|\bwe're\b|\bwe’re\b|\byou'll\s+be\s+in\b|\bwait\b/i;

/**
 * Money arriving, or the invoice put on the list to pay, said without a paying verb: "it should be with you
 * Friday", "you'll have it by Tuesday", "it'll hit your account Monday", "you'll see it then", "it's on the
 * schedule for the 4th", "that one's queued for Thursday". In a reply to a reminder, "it" is the payment.
 */
const MONEY_ARRIVES: readonly RegExp[] = [
  /(?:^\s*|\b(?:it|this|that|they|payment|the\s+(?:payment|money|funds|transfer|cash)|funds|money)\s*)(?:should|will|'ll|’ll|would|ought\s+to|is\s+going\s+to|'s\s+going\s+to|’s\s+going\s+to)\s+(?:\w+\s+)?(?:be\s+(?:with\s+you|in\s+your\s+(?:account|bank)|in\s+the\s+bank|in\s+your\s+hands)|hit|reach|land\s+in|show\s+(?:up\s+)?in|clear\s+(?:into|in)|arrive\s+in)\b/i,
  /\byou(?:'ll|’ll|\s+will|\s+should|ll)\s+(?:\w+\s+)?(?:have|see|get|receive)\s+(?:it|that|this|them|the\s+(?:money|funds|payment|cash|transfer))\b(?!\s+(?:tomorrow\s+)?(?:confirmed|checked|looked|signed|back\s+to\s+us))/i,
  /\b(?:get|have|send)\s+(?:it|this|that|the\s+(?:money|funds|payment|balance|rest))\s+(?:over\s+|across\s+|through\s+)?to\s+you\b/i,
  /\bon\s+(?:the|our|my|this\s+week's|next\s+week's|this\s+week’s|next\s+week’s)\s+(?:schedule|payment\s+list|pay\s+list|list|batch)\b/i,
  /\b(?:it|this|that|this\s+one|that\s+one|(?:the|your|this)\s+invoice|inv[\s-]?\d+)\s*(?:is|'s|’s|has\s+been)\s+(?:now\s+|been\s+|all\s+)*(?:scheduled|queued(?:\s+up)?|booked\s+in|lined\s+up|in\s+the\s+(?:queue|system|batch))\b/i,
];

export function hasPaymentWords(text: string): boolean {
  return PAYMENT_WORDS.test(text) || has(MONEY_ARRIVES, text);
}

/** Money arriving or put on the list to pay: a commitment without a future verb ("it's on the schedule for…"). */
export function moneyArrives(text: string): boolean {
  return has(MONEY_ARRIVES, text);
}

export function hasFutureWords(text: string): boolean {
  return FUTURE_WORDS.test(text);
}

/** "Can you wait until…", "give us until…": asking for time is a promise to pay by then. */
export const EXTENSION_REQUEST =
  /\b(?:can|could|would)\s+you\s+(?:please\s+)?(?:wait|hold\s+off|give\s+us|bear\s+with\s+us)\b|\bgive\s+us\s+(?:until|till|to)\b/i;

/** A question asking us to act ("Can you send…?"), which promises nothing by itself. */
export const REQUEST_TO_US = /^\s*(?:(?:hi|hello)\b[^,]*,\s*)?(?:can|could|would|will)\s+you\b|^\s*please\b/i;

/** "the rest", "the balance": the amount left after the amounts already named. */
export const REMAINDER_WORDS =
  /\b(?:the\s+)?(?:rest|balance|remainder|remaining(?:\s+amount|\s+balance)?|other\s+half|outstanding\s+(?:amount|balance))\b/i;
export const HALF_WORDS = /\bhalf\b|\b50\s?%|\bfifty\s+per\s?cent\b/i;
export const FULL_WORDS =
  /\b(?:in\s+full|full\s+(?:amount|balance|payment)|the\s+lot|whole\s+(?:amount|thing|lot|balance)|everything|all\s+of\s+it)\b/i;

/** Money written in the reply: "$600", "£1,450.00", "NZD 2,000", "1 000 €". Rates ("$85/hr") are not amounts. */
export const MONEY =
  /(?:(?:NZ|AU|A|US|C|CA|S|HK)?\$|£|€|\b(?:NZD|AUD|USD|GBP|EUR|CAD|SGD)\s?)\s?(\d{1,3}(?:[,\s]\d{3})+|\d+)(?![\d,])(?:\.(\d{1,2}))?(?!\d)(k\b)?(?!\s*(?:\/|per\s)\s*(?:hr|hour|h\b|day|week|month|unit))(?!\s*(?:a|an|each|every)\s+(?:month|week|fortnight))/gi;

/**
 * Money coming in to the customer, not going out to us: "our client pays us on the 20th", "we get paid
 * Friday", "our grant lands next week". Such a date is when they can pay, never itself a promise.
 */
export const INCOMING_MONEY =
  /\b(?:pays?|paid|paying)\s+(?:us|me)\b|\b(?:we|i)\s+(?:get|gets|got|are|'re|’re|will\s+be|'ll\s+be|’ll\s+be)\s+paid\b|\b(?:we|i)\s+(?:receive|get)\s+(?:our|the|a|some)?\s*(?:funding|grant|refund|repayment|draw|drawdown|settlement|invoice\s+payment|progress\s+payment)\b|\b(?:our|the)\s+(?:funding|grant|refund|repayment|drawdown|progress\s+payment)\s+(?:from\s+\w+\s+)?(?:comes?\s+in|lands?|arrives?|clears?|is\s+due)\b/i;

/** A weekday payments are made on, every week: "we pay suppliers on Thursdays", "our run is every Tuesday". */
export const RUN_WEEKDAY =
  /\b(?:(mondays|tuesdays|wednesdays|thursdays|fridays)|every\s+(monday|tuesday|wednesday|thursday|friday))\b/i;
