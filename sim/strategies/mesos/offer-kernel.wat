;; The usual mesos offer round's loop (solo-round.ts `offerSolo`): one framework wants any node and has set
;; no filter since it revived, so every node no other framework hoards on goes to it whole. For v from
;; `start` on, node = nodes[v]: its Candidate flag bit (1) is cleared; a node whose free resources reach no
;; threshold of the minimum offer is passed over; a node some framework hoards on (its hoard mark is 1)
;; stops the loop, for the caller to offer (v is returned); any other node is written to the framework's
;; batch at k (its id, then its free cpu, memory and gpu), and the sums of what the batch was given grow by
;; those amounts, in batch order. The nodes are not allocated here: the caller allocates the batch's new
;; entries (Cluster.allocateAll) before it offers a node itself.
;;
;; `decline`, the decline's loop (decision.ts declineRest): what is left of each offered node after a
;; decision (remaining[3i..3i+2], f64) is declined unless all zero: written in order, with its node, to the
;; declined lists, and summed; nodes with a hoard mark are listed in `touched` (where `marked`).
;;
;; Build: `npm run build:wasm` compiles this file (wabt) into offer-kernel.wasm.ts; a test holds the
;; committed bytes to this text.
(module
  (import "env" "memory" (memory 1))

  ;; In and out: the batch's length and the sums of what it was given.
  (global $k (export "k") (mut i32) (i32.const 0))
  (global $sumCpu (export "sumCpu") (mut f64) (f64.const 0))
  (global $sumMemory (export "sumMemory") (mut f64) (f64.const 0))
  (global $sumGpu (export "sumGpu") (mut f64) (f64.const 0))
  ;; Out: how many nodes the last decline listed in its `touched`.
  (global $touchedCount (export "touchedCount") (mut i32) (i32.const 0))

  ;; Byte offsets of the arrays read (the cluster's free resources, the allocator's flags, the hoard
  ;; marks) and the minimum offer's thresholds (filters.ts minOfferThresholds), set once.
  (global $freeCpu (mut i32) (i32.const 0))
  (global $freeMemory (mut i32) (i32.const 0))
  (global $freeGpu (mut i32) (i32.const 0))
  (global $flags (mut i32) (i32.const 0))
  (global $marks (mut i32) (i32.const 0))
  (global $minCpu (mut f64) (f64.const 0))
  (global $minMemory (mut f64) (f64.const 0))
  (global $minGpu (mut f64) (f64.const 0))

  (func (export "setup")
    (param $freeCpu i32) (param $freeMemory i32) (param $freeGpu i32) (param $flags i32) (param $marks i32)
    (param $minCpu f64) (param $minMemory f64) (param $minGpu f64)
    (global.set $freeCpu (local.get $freeCpu))
    (global.set $freeMemory (local.get $freeMemory))
    (global.set $freeGpu (local.get $freeGpu))
    (global.set $flags (local.get $flags))
    (global.set $marks (local.get $marks))
    (global.set $minCpu (local.get $minCpu))
    (global.set $minMemory (local.get $minMemory))
    (global.set $minGpu (local.get $minGpu)))

  ;; Visits nodes[v] (i32 at $nodes) for v from $start while v < $count, writing offers to the batch
  ;; ($batchNodes: i32 ids; $batchAmounts: 3 f64 each) at $k on; returns where it stopped: $count, or a
  ;; hoarded node reaching the minimum offer.
  (func (export "solo") (param $nodes i32) (param $start i32) (param $count i32) (param $batchNodes i32) (param $batchAmounts i32) (result i32)
    (local $v i32) (local $node i32) (local $at8 i32) (local $flag i32) (local $to i32) (local $k i32)
    (local $cpu f64) (local $memory f64) (local $gpu f64)
    (local $sumCpu f64) (local $sumMemory f64) (local $sumGpu f64)
    (local $freeCpu i32) (local $freeMemory i32) (local $freeGpu i32) (local $flags i32) (local $marks i32)
    (local $minCpu f64) (local $minMemory f64) (local $minGpu f64)
    ;; Globals in locals: a global is read from the instance at each use.
    (local.set $freeCpu (global.get $freeCpu))
    (local.set $freeMemory (global.get $freeMemory))
    (local.set $freeGpu (global.get $freeGpu))
    (local.set $flags (global.get $flags))
    (local.set $marks (global.get $marks))
    (local.set $minCpu (global.get $minCpu))
    (local.set $minMemory (global.get $minMemory))
    (local.set $minGpu (global.get $minGpu))
    (local.set $k (global.get $k))
    (local.set $sumCpu (global.get $sumCpu))
    (local.set $sumMemory (global.get $sumMemory))
    (local.set $sumGpu (global.get $sumGpu))
    (local.set $v (local.get $start))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $v) (local.get $count)))
        (local.set $node (i32.load (i32.add (local.get $nodes) (i32.shl (local.get $v) (i32.const 2)))))
        (local.set $flag (i32.add (local.get $flags) (local.get $node)))
        (i32.store8 (local.get $flag) (i32.and (i32.load8_u (local.get $flag)) (i32.const -2)))
        (local.set $at8 (i32.shl (local.get $node) (i32.const 3)))
        (local.set $cpu (f64.load (i32.add (local.get $freeCpu) (local.get $at8))))
        (local.set $memory (f64.load (i32.add (local.get $freeMemory) (local.get $at8))))
        (local.set $gpu (f64.load (i32.add (local.get $freeGpu) (local.get $at8))))
        (if (i32.or
              (i32.or (f64.ge (local.get $cpu) (local.get $minCpu)) (f64.ge (local.get $memory) (local.get $minMemory)))
              (f64.ge (local.get $gpu) (local.get $minGpu)))
          (then
            (br_if $done (i32.eq (i32.load8_u (i32.add (local.get $marks) (local.get $node))) (i32.const 1)))
            (i32.store (i32.add (local.get $batchNodes) (i32.shl (local.get $k) (i32.const 2))) (local.get $node))
            (local.set $to (i32.add (local.get $batchAmounts) (i32.mul (local.get $k) (i32.const 24))))
            (f64.store (local.get $to) (local.get $cpu))
            (f64.store offset=8 (local.get $to) (local.get $memory))
            (f64.store offset=16 (local.get $to) (local.get $gpu))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (local.set $sumCpu (f64.add (local.get $sumCpu) (local.get $cpu)))
            (local.set $sumMemory (f64.add (local.get $sumMemory) (local.get $memory)))
            (local.set $sumGpu (f64.add (local.get $sumGpu) (local.get $gpu)))))
        (local.set $v (i32.add (local.get $v) (i32.const 1)))
        (br $next)))
    (global.set $k (local.get $k))
    (global.set $sumCpu (local.get $sumCpu))
    (global.set $sumMemory (local.get $sumMemory))
    (global.set $sumGpu (local.get $sumGpu))
    (local.get $v))

  ;; Declines remaining[3i..3i+2] (f64 at $remaining) of nodes[i] (i32 at $nodes) for i < $count, unless
  ;; all zero: writes them to $declined (i32) and $amounts (3 f64 each) in order, and their sums to the sum
  ;; globals (from 0); with $marked, the nodes with a hoard mark go to $touched (i32). Returns how many
  ;; were declined.
  (func (export "decline") (param $nodes i32) (param $remaining i32) (param $count i32) (param $declined i32) (param $amounts i32) (param $touched i32) (param $marked i32)
    (result i32)
    (local $i i32) (local $k i32) (local $t i32) (local $node i32) (local $from i32) (local $to i32)
    (local $cpu f64) (local $memory f64) (local $gpu f64) (local $sumCpu f64) (local $sumMemory f64) (local $sumGpu f64)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $node (i32.load (i32.add (local.get $nodes) (i32.shl (local.get $i) (i32.const 2)))))
        (if (i32.and (local.get $marked) (i32.eq (i32.load8_u (i32.add (global.get $marks) (local.get $node))) (i32.const 1)))
          (then
            (i32.store (i32.add (local.get $touched) (i32.shl (local.get $t) (i32.const 2))) (local.get $node))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))))
        (local.set $from (i32.add (local.get $remaining) (i32.mul (local.get $i) (i32.const 24))))
        (local.set $cpu (f64.load (local.get $from)))
        (local.set $memory (f64.load offset=8 (local.get $from)))
        (local.set $gpu (f64.load offset=16 (local.get $from)))
        (if (i32.eqz (i32.and (i32.and (f64.eq (local.get $cpu) (f64.const 0)) (f64.eq (local.get $memory) (f64.const 0))) (f64.eq (local.get $gpu) (f64.const 0))))
          (then
            (local.set $sumCpu (f64.add (local.get $sumCpu) (local.get $cpu)))
            (local.set $sumMemory (f64.add (local.get $sumMemory) (local.get $memory)))
            (local.set $sumGpu (f64.add (local.get $sumGpu) (local.get $gpu)))
            (i32.store (i32.add (local.get $declined) (i32.shl (local.get $k) (i32.const 2))) (local.get $node))
            (local.set $to (i32.add (local.get $amounts) (i32.mul (local.get $k) (i32.const 24))))
            (f64.store (local.get $to) (local.get $cpu))
            (f64.store offset=8 (local.get $to) (local.get $memory))
            (f64.store offset=16 (local.get $to) (local.get $gpu))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (global.set $sumCpu (local.get $sumCpu))
    (global.set $sumMemory (local.get $sumMemory))
    (global.set $sumGpu (local.get $sumGpu))
    (global.set $touchedCount (local.get $t))
    (local.get $k))
)
