;; kube's usual filter-and-score scan (scan-kernel.wat `scan` for the usual profile) in blocks scored two
;; nodes at a time, for scans where nearly every node examined fits: ScanKernel takes it while at least
;; 49 in 50 nodes the last scan examined did (naive's containers). The same nodes examined, the same
;; scores and the same results, in scan-kernel.wat's globals: this module reads its profile and its
;; arrays there, calls its $score for a node without cpu or memory capacity, and leaves its results
;; there (`found`, `drawsBefore`, `groupLength`, `ties`, `fitted`).
;;
;; Build: `npm run build:wasm` (wabt, with SIMD) compiles this file into scan-blocks.wasm.ts; a test holds
;; the committed bytes to this text.
(module
  (import "env" "memory" (memory 1))
  (import "scan" "score" (func $score (param i32 f64 f64 f64 f64 i32) (result f64)))
  (import "scan" "found" (global $foundOut (mut i32)))
  (import "scan" "drawsBefore" (global $drawsBefore (mut i32)))
  (import "scan" "groupLength" (global $groupLength (mut i32)))
  (import "scan" "fitWeight" (global $fitWeight (mut f64)))
  (import "scan" "cpuWeight" (global $cpuWeight (mut f64)))
  (import "scan" "memoryWeight" (global $memoryWeight (mut f64)))
  (import "scan" "balancedWeight" (global $balancedWeight (mut f64)))
  (import "scan" "perBothWeights" (global $perBothWeights (mut f64)))
  (import "scan" "freeCpu" (global $freeCpu (mut i32)))
  (import "scan" "freeMemory" (global $freeMemory (mut i32)))
  (import "scan" "capCpu" (global $capCpu (mut i32)))
  (import "scan" "capMemory" (global $capMemory (mut i32)))
  (import "scan" "podCount" (global $podCount (mut i32)))
  (import "scan" "maxPods" (global $maxPods (mut i32)))
  (import "scan" "extraCpu" (global $extraCpu (mut i32)))
  (import "scan" "extraMemory" (global $extraMemory (mut i32)))
  (import "scan" "fitted" (global $fitted (mut i32)))
  (import "scan" "fitsKept" (global $fitsKept (mut i32)))
  (import "scan" "ties" (global $ties (mut i32)))

  ;; This module's scratch: a block's scores (f64 x $block) and its pairs' feasibility bits (i32 x
  ;; $block / 2), and the nodes in a block (even); set once per scheduler.
  (global $scores (mut i32) (i32.const 0))
  (global $masks (mut i32) (i32.const 0))
  (global $block (mut i32) (i32.const 0))

  (func (export "setup") (param $scores i32) (param $masks i32) (param $block i32)
    (global.set $scores (local.get $scores))
    (global.set $masks (local.get $masks))
    (global.set $block (local.get $block)))

  ;; Examines nodes from `start` on, in turn (wrapping at n), until `want` feasible ones are found or all
  ;; n were examined; returns how many were examined (scan-kernel.wat `scan` for the usual profile and a
  ;; Pod that asks for something). In blocks of up to $block nodes that do not wrap: first a block's
  ;; nodes are scored two at a time (SIMD lanes, the first node in lane 0) with $scanUsual's arithmetic
  ;; for a node with cpu and memory capacity, into $scores, each pair's feasibility into $masks, and
  ;; the block's feasible nodes scoring at least the best so far as bits of an i64 (so a block is at
  ;; most 64 nodes); then the block is walked in scan order, as $scanUsual walks nodes, until `want`
  ;; feasible ones are found. The nodes scored in vain after that are not counted as examined. A node
  ;; without cpu or memory capacity, or a block's odd last node, is marked to be checked there, node by
  ;; node, and scored by scan-kernel.wat's $score. A block with no such node is walked by its bits instead
  ;; (cut at the feasible node that reaches `want`, if one does): its feasible nodes counted, and only
  ;; those bits compared with the best, without a step per node (naive's blocks, whose best score rarely
  ;; moves).
  ;; `fitted` is listed at the end, only when NodeScan will read it.
  ;;
  ;; Why the arithmetic is $score's: with the request at most the capacity, LeastAllocated's quotient
  ;; lies in [0, 100], where f64.trunc is the truncation to a whole number $score makes; the total weight
  ;; is the sum of the two, multiplied by its reciprocal; `select(1, f, f > 1)` is f64x2.pmin(f, 1), NaN
  ;; included; halving is multiplying by 0.5, exactly. Reads whose answer is known are skipped: NodeScan
  ;; gives the kernel only Pods asking no GPU, which fit any node's free GPUs once they fit its free cpu
  ;; (a down node's cpu reads -1). The non-zero extras are always read: with none anywhere each is 0, and
  ;; adding it changes nothing.
  (func (export "scan")
    (param $n i32) (param $start i32) (param $want i32)
    (param $rc f64) (param $rm f64) (param $nzc f64) (param $nzm f64)
    (result i32)
    (local $node i32) (local $examined i32) (local $found i32) (local $len i32) (local $k i32) (local $at i32)
    (local $mask i32) (local $feasible i32) (local $pair i32) (local $pairs i32)
    (local $count i32) (local $special i32) (local $candidates i64) (local $bit i32) (local $bits i64) (local $left i32)
    (local $feas v128) (local $pairScores v128) (local $best2 v128)
    (local $at8 i32) (local $at4 i32) (local $score f64) (local $best f64) (local $draws i32) (local $group i32)
    (local $freeC v128) (local $freeM v128) (local $capC v128) (local $capM v128) (local $usedC v128) (local $usedM v128)
    (local $reqC v128) (local $reqM v128)
    (local $rc2 v128) (local $rm2 v128) (local $nzc2 v128) (local $nzm2 v128)
    (local $zero2 v128) (local $one2 v128) (local $hundred2 v128)
    (local $fitWeight2 v128) (local $cpuWeight2 v128) (local $memoryWeight2 v128) (local $balancedWeight2 v128) (local $perBothWeights2 v128)
    (local $freeCpu i32) (local $freeMemory i32) (local $capCpu i32) (local $capMemory i32)
    (local $podCount i32) (local $maxPods i32) (local $extraCpu i32) (local $extraMemory i32)
    (local $fitted i32) (local $fitsKept i32) (local $ties i32) (local $scores i32) (local $masks i32)
    (local.set $rc2 (f64x2.splat (local.get $rc)))
    (local.set $rm2 (f64x2.splat (local.get $rm)))
    (local.set $nzc2 (f64x2.splat (local.get $nzc)))
    (local.set $nzm2 (f64x2.splat (local.get $nzm)))
    (local.set $zero2 (f64x2.splat (f64.const 0)))
    (local.set $one2 (f64x2.splat (f64.const 1)))
    (local.set $hundred2 (f64x2.splat (f64.const 100)))
    (local.set $fitWeight2 (f64x2.splat (global.get $fitWeight)))
    (local.set $cpuWeight2 (f64x2.splat (global.get $cpuWeight)))
    (local.set $memoryWeight2 (f64x2.splat (global.get $memoryWeight)))
    (local.set $balancedWeight2 (f64x2.splat (global.get $balancedWeight)))
    (local.set $perBothWeights2 (f64x2.splat (global.get $perBothWeights)))
    (local.set $freeCpu (global.get $freeCpu))
    (local.set $freeMemory (global.get $freeMemory))
    (local.set $capCpu (global.get $capCpu))
    (local.set $capMemory (global.get $capMemory))
    (local.set $podCount (global.get $podCount))
    (local.set $maxPods (global.get $maxPods))
    (local.set $extraCpu (global.get $extraCpu))
    (local.set $extraMemory (global.get $extraMemory))
    (local.set $fitted (global.get $fitted))
    (local.set $fitsKept (global.get $fitsKept))
    (local.set $ties (global.get $ties))
    (local.set $scores (global.get $scores))
    (local.set $masks (global.get $masks))
    (local.set $node (local.get $start))
    (local.set $best (f64.const -inf))
    (block $done
      (loop $block
        (br_if $done (i32.ge_u (local.get $examined) (local.get $n)))
        (br_if $done (i32.ge_u (local.get $found) (local.get $want)))
        ;; The block: up to $block nodes, neither past the last node nor past those left to examine.
        (local.set $len (global.get $block))
        (if (i32.lt_u (i32.sub (local.get $n) (local.get $node)) (local.get $len)) (then (local.set $len (i32.sub (local.get $n) (local.get $node)))))
        (if (i32.lt_u (i32.sub (local.get $n) (local.get $examined)) (local.get $len)) (then (local.set $len (i32.sub (local.get $n) (local.get $examined)))))
        ;; Scored two at a time.
        (local.set $pairs (i32.shr_u (local.get $len) (i32.const 1)))
        (local.set $pair (i32.const 0))
        (local.set $at (local.get $node))
        (local.set $count (i32.const 0))
        (local.set $special (i32.const 0))
        (local.set $candidates (i64.const 0))
        (local.set $best2 (f64x2.splat (local.get $best)))
        (block $scored
          (loop $score
            (br_if $scored (i32.ge_u (local.get $pair) (local.get $pairs)))
            (local.set $at8 (i32.shl (local.get $at) (i32.const 3)))
            (local.set $at4 (i32.shl (local.get $at) (i32.const 2)))
            (local.set $freeC (v128.load (i32.add (local.get $freeCpu) (local.get $at8))))
            (local.set $freeM (v128.load (i32.add (local.get $freeMemory) (local.get $at8))))
            (local.set $capC (v128.load (i32.add (local.get $capCpu) (local.get $at8))))
            (local.set $capM (v128.load (i32.add (local.get $capMemory) (local.get $at8))))
            ;; Bits 0-1: the lane's node is feasible; bits 2-3: it lacks cpu or memory capacity.
            (local.set $feas (v128.and
              (i64x2.extend_low_i32x4_s (i32x4.lt_u
                (v128.load64_zero (i32.add (local.get $podCount) (local.get $at4)))
                (v128.load64_zero (i32.add (local.get $maxPods) (local.get $at4)))))
              (v128.and (f64x2.le (local.get $rc2) (local.get $freeC)) (f64x2.le (local.get $rm2) (local.get $freeM)))))
            (local.set $mask (i32.or
              (i64x2.bitmask (local.get $feas))
              (i32.shl
                (i32.xor (i64x2.bitmask (v128.and (f64x2.gt (local.get $capC) (local.get $zero2)) (f64x2.gt (local.get $capM) (local.get $zero2)))) (i32.const 3))
                (i32.const 2))))
            (i32.store (i32.add (local.get $masks) (i32.shl (local.get $pair) (i32.const 2))) (local.get $mask))
            (local.set $count (i32.add (local.get $count) (i32.popcnt (i32.and (local.get $mask) (i32.const 3)))))
            (local.set $special (i32.or (local.get $special) (i32.and (local.get $mask) (i32.const 12))))
            (if (i32.and (local.get $mask) (i32.const 3))
              (then
                (local.set $usedC (f64x2.sub (local.get $capC) (local.get $freeC)))
                (local.set $usedM (f64x2.sub (local.get $capM) (local.get $freeM)))
                (local.set $reqC (f64x2.add (f64x2.add (local.get $usedC) (v128.load (i32.add (local.get $extraCpu) (local.get $at8)))) (local.get $nzc2)))
                (local.set $reqM (f64x2.add (f64x2.add (local.get $usedM) (v128.load (i32.add (local.get $extraMemory) (local.get $at8)))) (local.get $nzm2)))
                (local.set $pairScores
                  (f64x2.add
                    (f64x2.mul
                      (f64x2.trunc (f64x2.mul
                        (f64x2.add
                          (f64x2.mul
                            (v128.andnot
                              (f64x2.trunc (f64x2.div (f64x2.mul (f64x2.sub (local.get $capC) (local.get $reqC)) (local.get $hundred2)) (local.get $capC)))
                              (f64x2.gt (local.get $reqC) (local.get $capC)))
                            (local.get $cpuWeight2))
                          (f64x2.mul
                            (v128.andnot
                              (f64x2.trunc (f64x2.div (f64x2.mul (f64x2.sub (local.get $capM) (local.get $reqM)) (local.get $hundred2)) (local.get $capM)))
                              (f64x2.gt (local.get $reqM) (local.get $capM)))
                            (local.get $memoryWeight2)))
                        (local.get $perBothWeights2)))
                      (local.get $fitWeight2))
                    (f64x2.mul
                      (f64x2.trunc (f64x2.mul
                        (f64x2.sub (local.get $one2)
                          (f64x2.abs (f64x2.mul
                            (f64x2.sub
                              (f64x2.pmin (f64x2.div (f64x2.add (local.get $usedC) (local.get $rc2)) (local.get $capC)) (local.get $one2))
                              (f64x2.pmin (f64x2.div (f64x2.add (local.get $usedM) (local.get $rm2)) (local.get $capM)) (local.get $one2)))
                            (f64x2.splat (f64.const 0.5)))))
                        (local.get $hundred2)))
                      (local.get $balancedWeight2))))
                (v128.store (i32.add (local.get $scores) (i32.shl (local.get $pair) (i32.const 4))) (local.get $pairScores))
                ;; Feasible lanes scoring at least the best before the block (bits 2 x pair and up): a node
                ;; below it is below the best where the walk meets it, so only these can change the best or
                ;; join its group.
                (local.set $candidates (i64.or (local.get $candidates)
                  (i64.shl
                    (i64.extend_i32_u (i64x2.bitmask (v128.and (local.get $feas) (f64x2.ge (local.get $pairScores) (local.get $best2)))))
                    (i64.extend_i32_u (i32.shl (local.get $pair) (i32.const 1))))))))
            (local.set $at (i32.add (local.get $at) (i32.const 2)))
            (local.set $pair (i32.add (local.get $pair) (i32.const 1)))
            (br $score)))
        ;; An odd last node: checked and scored node by node.
        (if (i32.and (local.get $len) (i32.const 1))
          (then
            (i32.store (i32.add (local.get $masks) (i32.shl (local.get $pairs) (i32.const 2))) (i32.const 4))
            (local.set $special (i32.const 4))))
        ;; Unless a node in the block is to be checked on its own, the walk in scan order is made by bits,
        ;; lowest first: its feasible nodes counted, and only the candidates compared with the best so
        ;; far, as below.
        (local.set $k (i32.const 0))
        (if (i32.eqz (local.get $special))
          (then
            (if (i32.ge_u (i32.add (local.get $found) (local.get $count)) (local.get $want))
              (then
                ;; `want` is reached within the block: at its (want - found)th feasible node, the last the walk
                ;; examines; the block ends there, and candidates after it are dropped.
                (local.set $bits (i64.const 0))
                (local.set $pair (i32.const 0))
                (block $gathered
                  (loop $gather
                    (br_if $gathered (i32.ge_u (local.get $pair) (local.get $pairs)))
                    (local.set $bits (i64.or (local.get $bits)
                      (i64.shl
                        (i64.extend_i32_u (i32.and (i32.load (i32.add (local.get $masks) (i32.shl (local.get $pair) (i32.const 2)))) (i32.const 3)))
                        (i64.extend_i32_u (i32.shl (local.get $pair) (i32.const 1))))))
                    (local.set $pair (i32.add (local.get $pair) (i32.const 1)))
                    (br $gather)))
                (local.set $left (i32.sub (local.get $want) (local.get $found)))
                (block $reached
                  (loop $drop
                    (br_if $reached (i32.le_u (local.get $left) (i32.const 1)))
                    (local.set $bits (i64.and (local.get $bits) (i64.sub (local.get $bits) (i64.const 1))))
                    (local.set $left (i32.sub (local.get $left) (i32.const 1)))
                    (br $drop)))
                (local.set $len (i32.add (i32.wrap_i64 (i64.ctz (local.get $bits))) (i32.const 1)))
                ;; Bits 0 .. len - 1 (a shift by 64 would be one by 0: shifted twice).
                (local.set $candidates (i64.and (local.get $candidates)
                  (i64.sub (i64.shl (i64.shl (i64.const 1) (i64.extend_i32_u (i32.sub (local.get $len) (i32.const 1)))) (i64.const 1)) (i64.const 1))))
                (local.set $count (i32.sub (local.get $want) (local.get $found)))))
            (local.set $found (i32.add (local.get $found) (local.get $count)))
            (block $compared
              (loop $compare
                (br_if $compared (i64.eqz (local.get $candidates)))
                (local.set $bit (i32.wrap_i64 (i64.ctz (local.get $candidates))))
                (local.set $candidates (i64.and (local.get $candidates) (i64.sub (local.get $candidates) (i64.const 1))))
                (local.set $at (i32.add (local.get $node) (local.get $bit)))
                (local.set $score (f64.load (i32.add (local.get $scores) (i32.shl (local.get $bit) (i32.const 3)))))
                (if (f64.gt (local.get $score) (local.get $best))
                  (then
                    (if (local.get $group) (then (local.set $draws (i32.add (local.get $draws) (i32.sub (local.get $group) (i32.const 1))))))
                    (local.set $best (local.get $score))
                    (i32.store (local.get $ties) (local.get $at))
                    (local.set $group (i32.const 1)))
                  (else
                    (if (f64.eq (local.get $score) (local.get $best))
                      (then
                        (i32.store (i32.add (local.get $ties) (i32.shl (local.get $group) (i32.const 2))) (local.get $at))
                        (local.set $group (i32.add (local.get $group) (i32.const 1)))))))
                (br $compare)))
            (local.set $k (local.get $len))))
        (block $walked
          (loop $walk
            (br_if $walked (i32.ge_u (local.get $k) (local.get $len)))
            (local.set $at (i32.add (local.get $node) (local.get $k)))
            (local.set $mask (i32.shr_u
              (i32.load (i32.add (local.get $masks) (i32.shl (i32.shr_u (local.get $k) (i32.const 1)) (i32.const 2))))
              (i32.and (local.get $k) (i32.const 1))))
            (if (i32.and (local.get $mask) (i32.const 4))
              (then
                (local.set $at8 (i32.shl (local.get $at) (i32.const 3)))
                (local.set $at4 (i32.shl (local.get $at) (i32.const 2)))
                (local.set $feasible (i32.and
                  (i32.and
                    (i32.lt_u (i32.load (i32.add (local.get $podCount) (local.get $at4)))
                              (i32.load (i32.add (local.get $maxPods) (local.get $at4))))
                    (f64.le (local.get $rc) (f64.load (i32.add (local.get $freeCpu) (local.get $at8)))))
                  (f64.le (local.get $rm) (f64.load (i32.add (local.get $freeMemory) (local.get $at8))))))
                (if (local.get $feasible)
                  (then (local.set $score (call $score (local.get $at8) (local.get $rc) (local.get $rm) (local.get $nzc) (local.get $nzm) (i32.const 0))))))
              (else
                (local.set $feasible (i32.and (local.get $mask) (i32.const 1)))
                (local.set $score (f64.load (i32.add (local.get $scores) (i32.shl (local.get $k) (i32.const 3)))))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (if (local.get $feasible)
              (then
                (local.set $found (i32.add (local.get $found) (i32.const 1)))
                (if (f64.gt (local.get $score) (local.get $best))
                  (then
                    ;; A higher score ends the group: its draws were (length - 1).
                    (if (local.get $group) (then (local.set $draws (i32.add (local.get $draws) (i32.sub (local.get $group) (i32.const 1))))))
                    (local.set $best (local.get $score))
                    (i32.store (local.get $ties) (local.get $at))
                    (local.set $group (i32.const 1)))
                  (else
                    (if (f64.eq (local.get $score) (local.get $best))
                      (then
                        (i32.store (i32.add (local.get $ties) (i32.shl (local.get $group) (i32.const 2))) (local.get $at))
                        (local.set $group (i32.add (local.get $group) (i32.const 1)))))))
                (br_if $walked (i32.ge_u (local.get $found) (local.get $want)))))
            (br $walk)))
        ;; The nodes walked ($k of them) were examined.
        (local.set $examined (i32.add (local.get $examined) (local.get $k)))
        (local.set $node (i32.add (local.get $node) (local.get $k)))
        (if (i32.eq (local.get $node) (local.get $n)) (then (local.set $node (i32.const 0))))
        (br $block)))
    ;; `fitted`, read only of a scan that examined every node and found at most fitsKept (NodeScan records
    ;; it): listed then, in a second pass over the same arrays, rather than node by node as the scan went.
    (if (i32.and (i32.eq (local.get $examined) (local.get $n)) (i32.le_u (local.get $found) (local.get $fitsKept)))
      (then
        (local.set $k (i32.const 0))
        (local.set $at (local.get $start))
        (local.set $len (i32.const 0))
        (block $listed
          (loop $list
            (br_if $listed (i32.ge_u (local.get $k) (local.get $n)))
            (local.set $at8 (i32.shl (local.get $at) (i32.const 3)))
            (local.set $at4 (i32.shl (local.get $at) (i32.const 2)))
            (if (i32.and
                  (i32.and
                    (i32.lt_u (i32.load (i32.add (local.get $podCount) (local.get $at4)))
                              (i32.load (i32.add (local.get $maxPods) (local.get $at4))))
                    (f64.le (local.get $rc) (f64.load (i32.add (local.get $freeCpu) (local.get $at8)))))
                  (f64.le (local.get $rm) (f64.load (i32.add (local.get $freeMemory) (local.get $at8)))))
              (then
                (i32.store (i32.add (local.get $fitted) (i32.shl (local.get $len) (i32.const 2))) (local.get $at))
                (local.set $len (i32.add (local.get $len) (i32.const 1)))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (local.set $at (i32.add (local.get $at) (i32.const 1)))
            (if (i32.eq (local.get $at) (local.get $n)) (then (local.set $at (i32.const 0))))
            (br $list)))))
    (global.set $foundOut (local.get $found))
    (global.set $drawsBefore (local.get $draws))
    (global.set $groupLength (local.get $group))
    (local.get $examined))
)
