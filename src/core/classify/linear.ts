// The plain first-match classifier: every box in rule order until one contains the packet. The baseline the
// fast engines are measured against, and a reference they are tested against.

import type { ClassifierBox } from "./boxes.js";
import { checkBoxOrder, type Classifier, flattenBoxes, type FlatBoxes, scanBoxes } from "./classifier.js";
import { PACKET_WIDTH } from "./packed.js";

export class LinearClassifier implements Classifier {
  readonly engine = "linear";
  private readonly flat: FlatBoxes;

  constructor(
    boxes: readonly ClassifierBox[],
    readonly ruleCount: number,
  ) {
    checkBoxOrder(boxes, ruleCount);
    this.flat = flattenBoxes(boxes);
  }

  classify(packets: Int32Array, offset: number): number {
    const b = scanBoxes(this.flat, 0, this.flat.count, packets, offset, this.ruleCount);
    return b < 0 ? -1 : this.flat.rule[b]!;
  }

  classifyBatch(packets: Int32Array, count: number, out: Int32Array): void {
    for (let i = 0; i < count; i++) out[i] = this.classify(packets, i * PACKET_WIDTH);
  }
}

export function buildLinear(boxes: readonly ClassifierBox[], ruleCount: number): LinearClassifier {
  return new LinearClassifier(boxes, ruleCount);
}
