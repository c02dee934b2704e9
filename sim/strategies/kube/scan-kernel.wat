;; kube's filter-and-score scan (NodeScan.select) for the usual Pod: no node selector, no GPUs, no
;; nominated Pods anywhere, an inline profile (NodeResourcesFit Least/MostAllocated and
;; BalancedAllocation over cpu and memory). The same arithmetic as the scan written out in
;; node-scan.ts, in the same order, on the same arrays (the cluster's and the scheduler's, which live
;; in this memory: sim/model/node-arena.ts).
;;
;; Ties are not broken here: the seeded stream stays in JavaScript. A tie draw is made for every node
;; that equals the best score so far; a group of equal best scores that a higher score ends has used
;; (its length - 1) draws, and the final group's draws all come after those. So the kernel reports the
;; draws of the groups that ended (`drawsBefore`) and lists the final group's nodes in scan order
;; (`ties`), and the caller makes the draws in the scan's order.
;;
;; Where nearly every node fits, the usual scan runs in scan-blocks.wat instead, a module that reads this
;; one's profile and arrays and writes its results through the globals this one exports.
;;
;; Build: `npm run build:wasm` compiles this file (wabt) into scan-kernel.wasm.ts; a test holds the
;; committed bytes to this text.
(module
  (import "env" "memory" (memory 1))

  ;; Results of the last scan.
  (global $found (export "found") (mut i32) (i32.const 0))
  (global $drawsBefore (export "drawsBefore") (mut i32) (i32.const 0))
  (global $groupLength (export "groupLength") (mut i32) (i32.const 0))

  ;; The profile, set once per scheduler (InlineProfile, and the power-of-two total of the fit weights
  ;; or -1).
  (global $fitWeight (export "fitWeight") (mut f64) (f64.const 0))
  (global $most (mut i32) (i32.const 0))
  (global $cpuWeight (export "cpuWeight") (mut f64) (f64.const 0))
  (global $memoryWeight (export "memoryWeight") (mut f64) (f64.const 0))
  (global $balancedWeight (export "balancedWeight") (mut f64) (f64.const 0))
  (global $balancedBoth (mut i32) (i32.const 0))
  (global $bothWeights (mut f64) (f64.const 0))
  (global $perBothWeights (export "perBothWeights") (mut f64) (f64.const 0))

  (func (export "profile")
    (param $fitWeight f64) (param $most i32) (param $cpuWeight f64) (param $memoryWeight f64)
    (param $balancedWeight f64) (param $balancedBoth i32) (param $bothWeights f64) (param $perBothWeights f64)
    (global.set $fitWeight (local.get $fitWeight))
    (global.set $most (local.get $most))
    (global.set $cpuWeight (local.get $cpuWeight))
    (global.set $memoryWeight (local.get $memoryWeight))
    (global.set $balancedWeight (local.get $balancedWeight))
    (global.set $balancedBoth (local.get $balancedBoth))
    (global.set $bothWeights (local.get $bothWeights))
    (global.set $perBothWeights (local.get $perBothWeights))
    (global.set $usual
      (i32.and
        (i32.and
          (i32.and (f64.gt (local.get $fitWeight) (f64.const 0)) (i32.eqz (local.get $most)))
          (i32.and (f64.gt (local.get $cpuWeight) (f64.const 0)) (f64.gt (local.get $memoryWeight) (f64.const 0))))
        (i32.and
          (i32.and (f64.gt (local.get $balancedWeight) (f64.const 0)) (local.get $balancedBoth))
          (f64.eq (f64.add (local.get $cpuWeight) (local.get $memoryWeight)) (local.get $bothWeights))))))

  ;; The byte offsets of the per-node arrays (f64 unless said), set once per scheduler.
  (global $freeCpu (export "freeCpu") (mut i32) (i32.const 0))
  (global $freeMemory (export "freeMemory") (mut i32) (i32.const 0))
  (global $freeGpu (mut i32) (i32.const 0))
  (global $capCpu (export "capCpu") (mut i32) (i32.const 0))
  (global $capMemory (export "capMemory") (mut i32) (i32.const 0))
  (global $podCount (export "podCount") (mut i32) (i32.const 0))    ;; u32
  (global $maxPods (export "maxPods") (mut i32) (i32.const 0))     ;; u32
  (global $extraCpu (export "extraCpu") (mut i32) (i32.const 0))    ;; non-zero request above the request, per node
  (global $extraMemory (export "extraMemory") (mut i32) (i32.const 0))
  (global $fitted (export "fitted") (mut i32) (i32.const 0))      ;; i32 x fitsKept: the first feasible nodes
  (global $fitsKept (export "fitsKept") (mut i32) (i32.const 0))
  (global $ties (export "ties") (mut i32) (i32.const 0))        ;; i32 per node: the final group of equal best scores

  (func (export "arrays")
    (param $freeCpu i32) (param $freeMemory i32) (param $freeGpu i32) (param $capCpu i32) (param $capMemory i32)
    (param $podCount i32) (param $maxPods i32) (param $extraCpu i32) (param $extraMemory i32)
    (param $fitted i32) (param $fitsKept i32) (param $ties i32)
    (global.set $freeCpu (local.get $freeCpu))
    (global.set $freeMemory (local.get $freeMemory))
    (global.set $freeGpu (local.get $freeGpu))
    (global.set $capCpu (local.get $capCpu))
    (global.set $capMemory (local.get $capMemory))
    (global.set $podCount (local.get $podCount))
    (global.set $maxPods (local.get $maxPods))
    (global.set $extraCpu (local.get $extraCpu))
    (global.set $extraMemory (local.get $extraMemory))
    (global.set $fitted (local.get $fitted))
    (global.set $fitsKept (local.get $fitsKept))
    (global.set $ties (local.get $ties)))

;; The usual profile (LeastAllocated over cpu and memory with a power-of-two total weight, and
;; BalancedAllocation over both), set by `profile`: such scans take the loop written out for it.
  (global $usual (export "usual") (mut i32) (i32.const 0))

  ;; Examines nodes from `start` on, in turn (wrapping at n), until `want` feasible ones are found or
  ;; all n were examined; returns how many were examined. A node is feasible when it holds fewer Pods
  ;; than its maximum and the request (rc, rm, rg) fits its free resources (a down node's read -1).
  ;; `extras` 0: every node's non-zero extras are 0, and the usual scan does not read them.
  (func (export "scan")
    (param $n i32) (param $start i32) (param $want i32)
    (param $rc f64) (param $rm f64) (param $rg f64) (param $nzc f64) (param $nzm f64) (param $bestEffort i32)
    (param $extras i32)
    (result i32)
    (if (i32.and (global.get $usual) (i32.eqz (local.get $bestEffort)))
      (then (return (call $scanUsual (local.get $n) (local.get $start) (local.get $want) (local.get $rc) (local.get $rm) (local.get $nzc) (local.get $nzm) (local.get $extras)))))
    (call $scanAny (local.get $n) (local.get $start) (local.get $want) (local.get $rc) (local.get $rm) (local.get $rg) (local.get $nzc) (local.get $nzm) (local.get $bestEffort)))

  ;; The score of feasible node (byte offset at8 in the f64 arrays) for any inline profile.
  (func $score (export "score")
    (param $at8 i32) (param $rc f64) (param $rm f64) (param $nzc f64) (param $nzm f64) (param $bestEffort i32)
    (result f64)
    (local $capC f64) (local $capM f64) (local $usedC f64) (local $usedM f64) (local $req f64)
    (local $sum f64) (local $weights f64) (local $fit f64) (local $balanced f64) (local $std f64)
    (local $fc f64) (local $fm f64)
    (local.set $capC (f64.load (i32.add (global.get $capCpu) (local.get $at8))))
    (local.set $capM (f64.load (i32.add (global.get $capMemory) (local.get $at8))))
    (local.set $usedC (f64.sub (local.get $capC) (f64.load (i32.add (global.get $freeCpu) (local.get $at8)))))
    (local.set $usedM (f64.sub (local.get $capM) (f64.load (i32.add (global.get $freeMemory) (local.get $at8)))))
    ;; NodeResourcesFit: per resource LeastAllocated (cap - req) x 100 / cap, 0 when req exceeds
    ;; cap, or MostAllocated min(req, cap) x 100 / cap; to a whole number as the scan's `| 0` does
    ;; (Go's int64 division truncates; NaN gives 0).
    (if (f64.gt (global.get $fitWeight) (f64.const 0))
      (then
        (if (i32.and (f64.gt (global.get $cpuWeight) (f64.const 0)) (f64.gt (local.get $capC) (f64.const 0)))
          (then
            (local.set $req (f64.add (f64.add (local.get $usedC) (f64.load (i32.add (global.get $extraCpu) (local.get $at8)))) (local.get $nzc)))
            (local.set $sum (f64.mul (if (result f64) (global.get $most)
                (then (f64.convert_i32_s (i32.trunc_sat_f64_s (f64.div (f64.mul (select (local.get $capC) (local.get $req) (f64.gt (local.get $req) (local.get $capC))) (f64.const 100)) (local.get $capC)))))
                (else (if (result f64) (f64.gt (local.get $req) (local.get $capC))
                  (then (f64.const 0))
                  (else (f64.convert_i32_s (i32.trunc_sat_f64_s (f64.div (f64.mul (f64.sub (local.get $capC) (local.get $req)) (f64.const 100)) (local.get $capC)))))))) (global.get $cpuWeight)))
            (local.set $weights (global.get $cpuWeight))))
        (if (i32.and (f64.gt (global.get $memoryWeight) (f64.const 0)) (f64.gt (local.get $capM) (f64.const 0)))
          (then
            (local.set $req (f64.add (f64.add (local.get $usedM) (f64.load (i32.add (global.get $extraMemory) (local.get $at8)))) (local.get $nzm)))
            (local.set $sum (f64.add (local.get $sum) (f64.mul (if (result f64) (global.get $most)
                (then (f64.convert_i32_s (i32.trunc_sat_f64_s (f64.div (f64.mul (select (local.get $capM) (local.get $req) (f64.gt (local.get $req) (local.get $capM))) (f64.const 100)) (local.get $capM)))))
                (else (if (result f64) (f64.gt (local.get $req) (local.get $capM))
                  (then (f64.const 0))
                  (else (f64.convert_i32_s (i32.trunc_sat_f64_s (f64.div (f64.mul (f64.sub (local.get $capM) (local.get $req)) (f64.const 100)) (local.get $capM)))))))) (global.get $memoryWeight))))
            (local.set $weights (f64.add (local.get $weights) (global.get $memoryWeight)))))
        (if (f64.ne (local.get $weights) (f64.const 0))
          (then
            (local.set $fit (f64.trunc
              (if (result f64) (f64.eq (local.get $weights) (global.get $bothWeights))
                (then (f64.mul (local.get $sum) (global.get $perBothWeights)))
                (else (f64.div (local.get $sum) (local.get $weights))))))))))
    ;; NodeResourcesBalancedAllocation over cpu and memory: 100 x (1 - |fc - fm| / 2), the halving a
    ;; product by 0.5 (the same number: a division by two is exact or rounds as the product does).
    (if (i32.and (f64.gt (global.get $balancedWeight) (f64.const 0)) (i32.eqz (local.get $bestEffort)))
      (then
        (if (i32.and (global.get $balancedBoth)
              (i32.and (f64.gt (local.get $capC) (f64.const 0)) (f64.gt (local.get $capM) (f64.const 0))))
          (then
            (local.set $fc (f64.div (f64.add (local.get $usedC) (local.get $rc)) (local.get $capC)))
            (local.set $fm (f64.div (f64.add (local.get $usedM) (local.get $rm)) (local.get $capM)))
            (if (f64.gt (local.get $fc) (f64.const 1)) (then (local.set $fc (f64.const 1))))
            (if (f64.gt (local.get $fm) (f64.const 1)) (then (local.set $fm (f64.const 1))))
            (local.set $std (f64.abs (f64.mul (f64.sub (local.get $fc) (local.get $fm)) (f64.const 0.5))))))
        (local.set $balanced (f64.trunc (f64.mul (f64.sub (f64.const 1) (local.get $std)) (f64.const 100))))))
    (f64.add (f64.mul (local.get $fit) (global.get $fitWeight))
             (f64.mul (local.get $balanced) (global.get $balancedWeight))))

  ;; The scan for any inline profile: each feasible node scored by $score.
  (func $scanAny
    (param $n i32) (param $start i32) (param $want i32)
    (param $rc f64) (param $rm f64) (param $rg f64) (param $nzc f64) (param $nzm f64) (param $bestEffort i32)
    (result i32)
    (local $node i32) (local $examined i32) (local $found i32) (local $at8 i32) (local $at4 i32)
    (local $score f64) (local $best f64) (local $draws i32) (local $group i32)
    (local $freeCpu i32) (local $freeMemory i32) (local $freeGpu i32) (local $podCount i32) (local $maxPods i32)
    (local $fitted i32) (local $fitsKept i32) (local $ties i32)
    (local.set $freeCpu (global.get $freeCpu))
    (local.set $freeMemory (global.get $freeMemory))
    (local.set $freeGpu (global.get $freeGpu))
    (local.set $podCount (global.get $podCount))
    (local.set $maxPods (global.get $maxPods))
    (local.set $fitted (global.get $fitted))
    (local.set $fitsKept (global.get $fitsKept))
    (local.set $ties (global.get $ties))
    (local.set $node (local.get $start))
    (local.set $best (f64.const -inf))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $examined) (local.get $n)))
        (br_if $done (i32.ge_u (local.get $found) (local.get $want)))
        (local.set $at8 (i32.shl (local.get $node) (i32.const 3)))
        (local.set $at4 (i32.shl (local.get $node) (i32.const 2)))
        (if (i32.and
              (i32.and
                (i32.lt_u (i32.load (i32.add (local.get $podCount) (local.get $at4)))
                          (i32.load (i32.add (local.get $maxPods) (local.get $at4))))
                (f64.le (local.get $rc) (f64.load (i32.add (local.get $freeCpu) (local.get $at8)))))
              (i32.and
                (f64.le (local.get $rm) (f64.load (i32.add (local.get $freeMemory) (local.get $at8))))
                (f64.le (local.get $rg) (f64.load (i32.add (local.get $freeGpu) (local.get $at8))))))
          (then
            (if (i32.lt_u (local.get $found) (local.get $fitsKept))
              (then (i32.store (i32.add (local.get $fitted) (i32.shl (local.get $found) (i32.const 2))) (local.get $node))))
            (local.set $found (i32.add (local.get $found) (i32.const 1)))
            (local.set $score (call $score (local.get $at8) (local.get $rc) (local.get $rm) (local.get $nzc) (local.get $nzm) (local.get $bestEffort)))
            (if (f64.gt (local.get $score) (local.get $best))
              (then
                ;; A higher score ends the group: its draws were (length - 1).
                (if (local.get $group) (then (local.set $draws (i32.add (local.get $draws) (i32.sub (local.get $group) (i32.const 1))))))
                (local.set $best (local.get $score))
                (i32.store (local.get $ties) (local.get $node))
                (local.set $group (i32.const 1)))
              (else
                (if (f64.eq (local.get $score) (local.get $best))
                  (then
                    (i32.store (i32.add (local.get $ties) (i32.shl (local.get $group) (i32.const 2))) (local.get $node))
                    (local.set $group (i32.add (local.get $group) (i32.const 1)))))))))
        (local.set $examined (i32.add (local.get $examined) (i32.const 1)))
        (local.set $node (i32.add (local.get $node) (i32.const 1)))
        (if (i32.eq (local.get $node) (local.get $n)) (then (local.set $node (i32.const 0))))
        (br $next)))
    (global.set $found (local.get $found))
    (global.set $drawsBefore (local.get $draws))
    (global.set $groupLength (local.get $group))
    (local.get $examined))

  ;; The scan for the usual profile and a Pod that asks for something: $score's arithmetic written out
  ;; for a node with cpu and memory capacity (a node without either is left to $score). With the
  ;; request at most the capacity, LeastAllocated's quotient lies in [0, 100], where f64.trunc is the
  ;; truncation to a whole number $score makes; the total weight is the sum of the two, multiplied by
  ;; its reciprocal. Reads whose answer is known are skipped: NodeScan gives the kernel only Pods
  ;; asking no GPU, which fit any node's free GPUs once they fit its free cpu (a down node's cpu reads
  ;; -1); and with no non-zero extras anywhere (`extras` 0) each node's extras are 0.
  (func $scanUsual
    (param $n i32) (param $start i32) (param $want i32)
    (param $rc f64) (param $rm f64) (param $nzc f64) (param $nzm f64) (param $extras i32)
    (result i32)
    (local $node i32) (local $examined i32) (local $found i32) (local $at8 i32) (local $at4 i32)
    (local $capC f64) (local $capM f64) (local $freeC f64) (local $freeM f64) (local $usedC f64) (local $usedM f64)
    (local $reqC f64) (local $reqM f64) (local $fc f64) (local $fm f64) (local $sum f64) (local $weights f64)
    (local $score f64) (local $best f64) (local $draws i32) (local $group i32)
    (local $fitWeight f64) (local $cpuWeight f64) (local $memoryWeight f64) (local $balancedWeight f64) (local $perBothWeights f64)
    (local $freeCpu i32) (local $freeMemory i32) (local $capCpu i32) (local $capMemory i32)
    (local $podCount i32) (local $maxPods i32) (local $extraCpu i32) (local $extraMemory i32)
    (local $fitted i32) (local $fitsKept i32) (local $ties i32)
    (local.set $fitWeight (global.get $fitWeight))
    (local.set $cpuWeight (global.get $cpuWeight))
    (local.set $memoryWeight (global.get $memoryWeight))
    (local.set $balancedWeight (global.get $balancedWeight))
    (local.set $perBothWeights (global.get $perBothWeights))
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
    (local.set $node (local.get $start))
    (local.set $best (f64.const -inf))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $examined) (local.get $n)))
        (br_if $done (i32.ge_u (local.get $found) (local.get $want)))
        (local.set $at8 (i32.shl (local.get $node) (i32.const 3)))
        (local.set $at4 (i32.shl (local.get $node) (i32.const 2)))
        (local.set $freeC (f64.load (i32.add (local.get $freeCpu) (local.get $at8))))
        (local.set $freeM (f64.load (i32.add (local.get $freeMemory) (local.get $at8))))
        (if (i32.and
              (i32.and
                (i32.lt_u (i32.load (i32.add (local.get $podCount) (local.get $at4)))
                          (i32.load (i32.add (local.get $maxPods) (local.get $at4))))
                (f64.le (local.get $rc) (local.get $freeC)))
              (f64.le (local.get $rm) (local.get $freeM)))
          (then
            (if (i32.lt_u (local.get $found) (local.get $fitsKept))
              (then (i32.store (i32.add (local.get $fitted) (i32.shl (local.get $found) (i32.const 2))) (local.get $node))))
            (local.set $found (i32.add (local.get $found) (i32.const 1)))
            (local.set $capC (f64.load (i32.add (local.get $capCpu) (local.get $at8))))
            (local.set $capM (f64.load (i32.add (local.get $capMemory) (local.get $at8))))
            (if (i32.and (f64.gt (local.get $capC) (f64.const 0)) (f64.gt (local.get $capM) (f64.const 0)))
              (then
                (local.set $usedC (f64.sub (local.get $capC) (local.get $freeC)))
                (local.set $usedM (f64.sub (local.get $capM) (local.get $freeM)))
                (local.set $reqC (f64.add (f64.add (local.get $usedC)
                  (if (result f64) (local.get $extras) (then (f64.load (i32.add (local.get $extraCpu) (local.get $at8)))) (else (f64.const 0)))) (local.get $nzc)))
                (local.set $reqM (f64.add (f64.add (local.get $usedM)
                  (if (result f64) (local.get $extras) (then (f64.load (i32.add (local.get $extraMemory) (local.get $at8)))) (else (f64.const 0)))) (local.get $nzm)))
                (local.set $fc (f64.div (f64.add (local.get $usedC) (local.get $rc)) (local.get $capC)))
                (local.set $fm (f64.div (f64.add (local.get $usedM) (local.get $rm)) (local.get $capM)))
                (local.set $score
                  (f64.add
                    (f64.mul
                      (f64.trunc (f64.mul
                        (f64.add
                          (f64.mul
                            (select (f64.const 0)
                              (f64.trunc (f64.div (f64.mul (f64.sub (local.get $capC) (local.get $reqC)) (f64.const 100)) (local.get $capC)))
                              (f64.gt (local.get $reqC) (local.get $capC)))
                            (local.get $cpuWeight))
                          (f64.mul
                            (select (f64.const 0)
                              (f64.trunc (f64.div (f64.mul (f64.sub (local.get $capM) (local.get $reqM)) (f64.const 100)) (local.get $capM)))
                              (f64.gt (local.get $reqM) (local.get $capM)))
                            (local.get $memoryWeight)))
                        (local.get $perBothWeights)))
                      (local.get $fitWeight))
                    (f64.mul
                      (f64.trunc (f64.mul
                        (f64.sub (f64.const 1)
                          (f64.abs (f64.mul
                            (f64.sub
                              (select (f64.const 1) (local.get $fc) (f64.gt (local.get $fc) (f64.const 1)))
                              (select (f64.const 1) (local.get $fm) (f64.gt (local.get $fm) (f64.const 1))))
                            (f64.const 0.5))))
                        (f64.const 100)))
                      (local.get $balancedWeight)))))
              (else
                ;; A node without cpu or memory capacity: LeastAllocated over the resource it has (if
                ;; any), divided by that weight alone; BalancedAllocation 100 (no spread).
                (local.set $usedC (f64.sub (local.get $capC) (local.get $freeC)))
                (local.set $usedM (f64.sub (local.get $capM) (local.get $freeM)))
                (local.set $reqC (f64.add (f64.add (local.get $usedC) (f64.load (i32.add (local.get $extraCpu) (local.get $at8)))) (local.get $nzc)))
                (local.set $reqM (f64.add (f64.add (local.get $usedM) (f64.load (i32.add (local.get $extraMemory) (local.get $at8)))) (local.get $nzm)))
                (local.set $sum (f64.const 0))
                (local.set $weights (f64.const 0))
                (if (f64.gt (local.get $capC) (f64.const 0))
                  (then
                    (local.set $sum (f64.mul
                      (if (result f64) (f64.gt (local.get $reqC) (local.get $capC))
                        (then (f64.const 0))
                        (else (f64.convert_i32_s (i32.trunc_sat_f64_s (f64.div (f64.mul (f64.sub (local.get $capC) (local.get $reqC)) (f64.const 100)) (local.get $capC))))))
                      (local.get $cpuWeight)))
                    (local.set $weights (local.get $cpuWeight))))
                (if (f64.gt (local.get $capM) (f64.const 0))
                  (then
                    (local.set $sum (f64.add (local.get $sum) (f64.mul
                      (if (result f64) (f64.gt (local.get $reqM) (local.get $capM))
                        (then (f64.const 0))
                        (else (f64.convert_i32_s (i32.trunc_sat_f64_s (f64.div (f64.mul (f64.sub (local.get $capM) (local.get $reqM)) (f64.const 100)) (local.get $capM))))))
                      (local.get $memoryWeight))))
                    (local.set $weights (f64.add (local.get $weights) (local.get $memoryWeight)))))
                (local.set $score
                  (f64.add
                    (f64.mul
                      (if (result f64) (f64.eq (local.get $weights) (f64.const 0))
                        (then (f64.const 0))
                        (else (f64.trunc (if (result f64) (f64.eq (local.get $weights) (global.get $bothWeights))
                          (then (f64.mul (local.get $sum) (local.get $perBothWeights)))
                          (else (f64.div (local.get $sum) (local.get $weights)))))))
                      (local.get $fitWeight))
                    (f64.mul (f64.const 100) (local.get $balancedWeight))))))
            (if (f64.gt (local.get $score) (local.get $best))
              (then
                ;; A higher score ends the group: its draws were (length - 1).
                (if (local.get $group) (then (local.set $draws (i32.add (local.get $draws) (i32.sub (local.get $group) (i32.const 1))))))
                (local.set $best (local.get $score))
                (i32.store (local.get $ties) (local.get $node))
                (local.set $group (i32.const 1)))
              (else
                (if (f64.eq (local.get $score) (local.get $best))
                  (then
                    (i32.store (i32.add (local.get $ties) (i32.shl (local.get $group) (i32.const 2))) (local.get $node))
                    (local.set $group (i32.add (local.get $group) (i32.const 1)))))))))
        (local.set $examined (i32.add (local.get $examined) (i32.const 1)))
        (local.set $node (i32.add (local.get $node) (i32.const 1)))
        (if (i32.eq (local.get $node) (local.get $n)) (then (local.set $node (i32.const 0))))
        (br $next)))
    (global.set $found (local.get $found))
    (global.set $drawsBefore (local.get $draws))
    (global.set $groupLength (local.get $group))
    (local.get $examined))
)
