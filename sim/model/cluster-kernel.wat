;; The cluster's bulk changes (cluster.ts), on its arrays, which live in this memory (node-arena.ts):
;;
;; - `release`, Cluster.releaseAll's loop: releaseValues of amounts[3i..3i+2] on nodes[i], for each
;;   i < count, in order. The same arithmetic and the same order as the loop written out there: each up
;;   node's free resources grow by the amounts, its sequence number by 1, and the largest free cpu, memory
;;   and gpu seen so far are kept (the cluster's freeBound, raised). A node that is down is left to the
;;   caller, which releases it as releaseValues does (its index is listed in `downs`); a release past a
;;   node's capacity stops the loop before anything of that node changes, and the caller throws.
;; - `allocate`, Cluster.allocateAll's loop: allocateValues of amounts[3i..3i+2] on nodes[i], for each
;;   i < count, in order: the free resources shrink by the amounts, the sequence number and the claim
;;   sequence number grow by 1. An allocation past a node's free resources (a down node's are -1) stops
;;   the loop before anything of that node changes, and the caller throws.
;;
;; Build: `npm run build:wasm` compiles this file (wabt) into cluster-kernel.wasm.ts; a test holds the
;; committed bytes to this text.
(module
  (import "env" "memory" (memory 1))

  ;; The largest free cpu, memory and gpu released to (the caller sets them from freeBound first).
  (global $boundCpu (export "boundCpu") (mut f64) (f64.const 0))
  (global $boundMemory (export "boundMemory") (mut f64) (f64.const 0))
  (global $boundGpu (export "boundGpu") (mut f64) (f64.const 0))
  ;; How many down nodes the last call listed in $downs.
  (global $downCount (export "downCount") (mut i32) (i32.const 0))

  ;; Byte offsets of the cluster's arrays, set once.
  (global $freeCpu (mut i32) (i32.const 0))
  (global $freeMemory (mut i32) (i32.const 0))
  (global $freeGpu (mut i32) (i32.const 0))
  (global $capCpu (mut i32) (i32.const 0))
  (global $capMemory (mut i32) (i32.const 0))
  (global $capGpu (mut i32) (i32.const 0))
  (global $seq (mut i32) (i32.const 0))
  (global $claimSeq (mut i32) (i32.const 0))
  (global $up (mut i32) (i32.const 0))
  (global $downs (mut i32) (i32.const 0))

  (func (export "arrays")
    (param $freeCpu i32) (param $freeMemory i32) (param $freeGpu i32)
    (param $capCpu i32) (param $capMemory i32) (param $capGpu i32)
    (param $seq i32) (param $claimSeq i32) (param $up i32) (param $downs i32)
    (global.set $freeCpu (local.get $freeCpu))
    (global.set $freeMemory (local.get $freeMemory))
    (global.set $freeGpu (local.get $freeGpu))
    (global.set $capCpu (local.get $capCpu))
    (global.set $capMemory (local.get $capMemory))
    (global.set $capGpu (local.get $capGpu))
    (global.set $seq (local.get $seq))
    (global.set $claimSeq (local.get $claimSeq))
    (global.set $up (local.get $up))
    (global.set $downs (local.get $downs)))

  ;; Releases nodes[i] (i32 at $nodes) the amounts at $amounts (3 f64 each) for i < $count; returns
  ;; how many it went through: $count, or the index of a node the release would take past its capacity.
  (func (export "release") (param $nodes i32) (param $amounts i32) (param $count i32) (result i32)
    (local $i i32) (local $node i32) (local $at8 i32) (local $from i32) (local $downCount i32)
    (local $dCpu f64) (local $dMemory f64) (local $dGpu f64)
    (local $cpu f64) (local $memory f64) (local $gpu f64)
    (local $boundCpu f64) (local $boundMemory f64) (local $boundGpu f64)
    (local $freeCpu i32) (local $freeMemory i32) (local $freeGpu i32)
    (local $capCpu i32) (local $capMemory i32) (local $capGpu i32)
    (local $seq i32) (local $up i32) (local $downs i32)
    ;; The offsets in locals: a global is read from the instance at each use.
    (local.set $freeCpu (global.get $freeCpu))
    (local.set $freeMemory (global.get $freeMemory))
    (local.set $freeGpu (global.get $freeGpu))
    (local.set $capCpu (global.get $capCpu))
    (local.set $capMemory (global.get $capMemory))
    (local.set $capGpu (global.get $capGpu))
    (local.set $seq (global.get $seq))
    (local.set $up (global.get $up))
    (local.set $downs (global.get $downs))
    (local.set $boundCpu (global.get $boundCpu))
    (local.set $boundMemory (global.get $boundMemory))
    (local.set $boundGpu (global.get $boundGpu))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $node (i32.load (i32.add (local.get $nodes) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $at8 (i32.shl (local.get $node) (i32.const 3)))
        (local.set $from (i32.add (local.get $amounts) (i32.mul (local.get $i) (i32.const 24))))
        (local.set $dCpu (f64.load (local.get $from)))
        (local.set $dMemory (f64.load offset=8 (local.get $from)))
        (local.set $dGpu (f64.load offset=16 (local.get $from)))
        (if (i32.eqz (i32.load8_u (i32.add (local.get $up) (local.get $node))))
          (then
            ;; Down: the caller releases it.
            (i32.store (i32.add (local.get $downs) (i32.shl (local.get $downCount) (i32.const 2))) (local.get $i))
            (local.set $downCount (i32.add (local.get $downCount) (i32.const 1))))
          (else
            (local.set $cpu (f64.add (f64.load (i32.add (local.get $freeCpu) (local.get $at8))) (local.get $dCpu)))
            (local.set $memory (f64.add (f64.load (i32.add (local.get $freeMemory) (local.get $at8))) (local.get $dMemory)))
            (local.set $gpu (f64.add (f64.load (i32.add (local.get $freeGpu) (local.get $at8))) (local.get $dGpu)))
            (br_if $done
              (i32.or
                (i32.or
                  (f64.gt (local.get $cpu) (f64.load (i32.add (local.get $capCpu) (local.get $at8))))
                  (f64.gt (local.get $memory) (f64.load (i32.add (local.get $capMemory) (local.get $at8)))))
                (f64.gt (local.get $gpu) (f64.load (i32.add (local.get $capGpu) (local.get $at8))))))
            (f64.store (i32.add (local.get $freeCpu) (local.get $at8)) (local.get $cpu))
            (f64.store (i32.add (local.get $freeMemory) (local.get $at8)) (local.get $memory))
            (f64.store (i32.add (local.get $freeGpu) (local.get $at8)) (local.get $gpu))
            (f64.store (i32.add (local.get $seq) (local.get $at8))
              (f64.add (f64.load (i32.add (local.get $seq) (local.get $at8))) (f64.const 1)))
            (if (f64.gt (local.get $cpu) (local.get $boundCpu)) (then (local.set $boundCpu (local.get $cpu))))
            (if (f64.gt (local.get $memory) (local.get $boundMemory)) (then (local.set $boundMemory (local.get $memory))))
            (if (f64.gt (local.get $gpu) (local.get $boundGpu)) (then (local.set $boundGpu (local.get $gpu))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (global.set $boundCpu (local.get $boundCpu))
    (global.set $boundMemory (local.get $boundMemory))
    (global.set $boundGpu (local.get $boundGpu))
    (global.set $downCount (local.get $downCount))
    (local.get $i))

  ;; Allocates amounts[3i..3i+2] (f64 at $amounts) on nodes[i] (i32 at $nodes) for i < $count; returns
  ;; how many it went through: $count, or the index of a node whose free resources the amounts exceed.
  (func (export "allocate") (param $nodes i32) (param $amounts i32) (param $count i32) (result i32)
    (local $i i32) (local $at8 i32) (local $from i32)
    (local $dCpu f64) (local $dMemory f64) (local $dGpu f64)
    (local $cpu f64) (local $memory f64) (local $gpu f64)
    (local $freeCpu i32) (local $freeMemory i32) (local $freeGpu i32) (local $seq i32) (local $claimSeq i32)
    (local.set $freeCpu (global.get $freeCpu))
    (local.set $freeMemory (global.get $freeMemory))
    (local.set $freeGpu (global.get $freeGpu))
    (local.set $seq (global.get $seq))
    (local.set $claimSeq (global.get $claimSeq))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $at8 (i32.shl (i32.load (i32.add (local.get $nodes) (i32.shl (local.get $i) (i32.const 2)))) (i32.const 3)))
        (local.set $from (i32.add (local.get $amounts) (i32.mul (local.get $i) (i32.const 24))))
        (local.set $dCpu (f64.load (local.get $from)))
        (local.set $dMemory (f64.load offset=8 (local.get $from)))
        (local.set $dGpu (f64.load offset=16 (local.get $from)))
        (local.set $cpu (f64.load (i32.add (local.get $freeCpu) (local.get $at8))))
        (local.set $memory (f64.load (i32.add (local.get $freeMemory) (local.get $at8))))
        (local.set $gpu (f64.load (i32.add (local.get $freeGpu) (local.get $at8))))
        (br_if $done
          (i32.or
            (i32.or (f64.gt (local.get $dCpu) (local.get $cpu)) (f64.gt (local.get $dMemory) (local.get $memory)))
            (f64.gt (local.get $dGpu) (local.get $gpu))))
        (f64.store (i32.add (local.get $freeCpu) (local.get $at8)) (f64.sub (local.get $cpu) (local.get $dCpu)))
        (f64.store (i32.add (local.get $freeMemory) (local.get $at8)) (f64.sub (local.get $memory) (local.get $dMemory)))
        (f64.store (i32.add (local.get $freeGpu) (local.get $at8)) (f64.sub (local.get $gpu) (local.get $dGpu)))
        (f64.store (i32.add (local.get $seq) (local.get $at8))
          (f64.add (f64.load (i32.add (local.get $seq) (local.get $at8))) (f64.const 1)))
        (f64.store (i32.add (local.get $claimSeq) (local.get $at8))
          (f64.add (f64.load (i32.add (local.get $claimSeq) (local.get $at8))) (f64.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $i))
)
