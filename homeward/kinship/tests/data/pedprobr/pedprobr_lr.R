# Likelihood ratios of the cases in cases.tsv, computed by the reference R packages
# (pedtools, pedmut, pedprobr). Writes vectors.tsv: the cases plus h1, h2 and lr.
#
#   Rscript homeward/kinship/tests/data/pedprobr/pedprobr_lr.R
#
# Hypotheses (one locus each):
#   duo_father / duo_mother  H1: the tested parent and an untested other parent are the
#                            child's parents. H2: tested parent and child unrelated.
#   trio                     H1: mother and alleged father are the parents. H2: the mother
#                            and an untested random man are the parents; the alleged
#                            father is unrelated.
#   couple                   H1: both are the parents. H2: all three unrelated.
# Mutation ("stepwise", pedmut/Familias): every transmission of the pedigree goes through
# the matrix of the transmitting parent's sex, typed or not. Duos: the tested parent's
# matrix has rate duo_rate; the untested parent has the rate of its sex. Trio and couple:
# male paternal_rate, female maternal_rate. rate2 and range as given.
# Theta: pedprobr samples all founder alleles of one connected pedigree sequentially
# (Balding-Nichols). Unrelated typed people are therefore joined to the pedigree through
# an untyped dummy child, so that theta also conditions on them, as the engine does; a
# child drawn as a founder under H2 is the child of two untyped founders, with the
# mutation model removed (nothing is transmitted to it under H2).
# A pedigree that is impossible without mutation has likelihood 0 (see lik below).

suppressMessages({
  library(pedtools)
  library(pedmut)
  library(pedprobr)
})

here <- dirname(normalizePath(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))))
cases <- read.delim(file.path(here, "cases.tsv"), colClasses = "character")

geno <- function(g) if (g == "-") NULL else g

build <- function(id, fid, mid, sex, typed, alleles, afreq) {
  x <- ped(id = id, fid = fid, mid = mid, sex = sex)
  args <- list(x, alleles = alleles, afreq = afreq)
  for (name in names(typed)) args[[name]] <- typed[[name]]
  setMarkers(x, do.call(marker, args))
}

mutate <- function(x, male, female, range, rate2) {
  setMutmod(x, model = "stepwise", rate = list(male = male, female = female),
            rate2 = rate2, range = range)
}

singleton_lik <- function(id, sex, g, alleles, afreq, theta) {
  s <- singleton(id, sex = sex)
  m <- marker(s, alleles = alleles, afreq = afreq)
  genotype(m, id) <- strsplit(g, "/")[[1]]
  s <- setMarkers(s, m)
  likelihood(s, theta = theta)
}

lr_case <- function(case) {
  alleles <- strsplit(case$alleles, ",")[[1]]
  afreq <- as.numeric(strsplit(case$freqs, ",")[[1]])
  theta <- as.numeric(case$theta)
  stepwise <- case$model == "stepwise"
  pat <- as.numeric(case$paternal_rate); mat <- as.numeric(case$maternal_rate)
  duo <- as.numeric(case$duo_rate)
  range <- as.numeric(case$range); rate2 <- as.numeric(case$rate2)
  f <- geno(case$father); m <- geno(case$mother); c <- geno(case$child)
  # pedprobr's theta peeling stops with an error on a pedigree that is impossible
  # (likelihood 0, e.g. an exclusion without mutation); impossibility does not depend on
  # theta, so such a pedigree is confirmed at theta = 0 and counted as 0.
  lik <- function(x) tryCatch(likelihood(x, theta = theta), error = function(e) {
    if (likelihood(x) == 0) 0 else stop(e)
  })
  if (case$shape %in% c("duo_father", "duo_mother")) {
    tested_is_father <- case$shape == "duo_father"
    typed <- if (tested_is_father) list(F = f, C = c) else list(M = m, C = c)
    h1 <- build(c("F", "M", "C"), c("0", "0", "F"), c("0", "0", "M"), c(1, 2, 1),
                typed, alleles, afreq)
    if (stepwise)
      h1 <- if (tested_is_father) mutate(h1, duo, mat, range, rate2) else mutate(h1, pat, duo, range, rate2)
    if (theta == 0) {
      tested <- if (tested_is_father) list("F", 1, f) else list("M", 2, m)
      h2 <- singleton_lik(tested[[1]], tested[[2]], tested[[3]], alleles, afreq, 0) *
        singleton_lik("C", 1, c, alleles, afreq, 0)
    } else if (tested_is_father) {
      # F x W -> D1 (untyped); R x W -> C.
      x <- build(c("F", "W", "R", "D1", "C"), c("0", "0", "0", "F", "R"), c("0", "0", "0", "W", "W"),
                 c(1, 2, 1, 1, 1), list(F = f, C = c), alleles, afreq)
      h2 <- lik(x)
    } else {
      # R x M -> D1 (untyped); R x W -> C.
      x <- build(c("M", "W", "R", "D1", "C"), c("0", "0", "0", "R", "R"), c("0", "0", "0", "M", "W"),
                 c(2, 2, 1, 1, 1), list(M = m, C = c), alleles, afreq)
      h2 <- lik(x)
    }
    return(c(lik(h1), h2))
  }
  if (case$shape == "trio") {
    h1 <- build(c("F", "M", "C"), c("0", "0", "F"), c("0", "0", "M"), c(1, 2, 1),
                list(F = f, M = m, C = c), alleles, afreq)
    if (theta == 0) {
      x <- build(c("R", "M", "C"), c("0", "0", "R"), c("0", "0", "M"), c(1, 2, 1),
                 list(M = m, C = c), alleles, afreq)
      if (stepwise) {
        h1 <- mutate(h1, pat, mat, range, rate2)
        x <- mutate(x, pat, mat, range, rate2)
      }
      return(c(lik(h1), lik(x) * singleton_lik("F", 1, f, alleles, afreq, 0)))
    }
    # R x M -> C; F x M -> D1 (untyped), so theta conditions on F too.
    x <- build(c("R", "M", "F", "C", "D1"), c("0", "0", "0", "R", "F"), c("0", "0", "0", "M", "M"),
               c(1, 2, 1, 1, 1), list(F = f, M = m, C = c), alleles, afreq)
    if (stepwise) {
      h1 <- mutate(h1, pat, mat, range, rate2)
      x <- mutate(x, pat, mat, range, rate2)
    }
    return(c(lik(h1), lik(x)))
  }
  # couple
  h1 <- build(c("F", "M", "C"), c("0", "0", "F"), c("0", "0", "M"), c(1, 2, 1),
              list(F = f, M = m, C = c), alleles, afreq)
  if (stepwise) h1 <- mutate(h1, pat, mat, range, rate2)
  if (theta == 0) {
    h2 <- singleton_lik("F", 1, f, alleles, afreq, 0) * singleton_lik("M", 2, m, alleles, afreq, 0) *
      singleton_lik("C", 1, c, alleles, afreq, 0)
  } else {
    # F x W -> D1; R x M -> D2; R x W -> C (W, R, D1, D2 untyped).
    x <- build(c("F", "M", "W", "R", "D1", "D2", "C"),
               c("0", "0", "0", "0", "F", "R", "R"), c("0", "0", "0", "0", "W", "M", "W"),
               c(1, 2, 2, 1, 1, 1, 1), list(F = f, M = m, C = c), alleles, afreq)
    h2 <- lik(x)
  }
  c(lik(h1), h2)
}

out <- cases
out$h1 <- ""; out$h2 <- ""; out$lr <- ""
for (i in seq_len(nrow(cases))) {
  v <- lr_case(cases[i, ])
  out$h1[i] <- sprintf("%.17g", v[1])
  out$h2[i] <- sprintf("%.17g", v[2])
  out$lr[i] <- sprintf("%.17g", v[1] / v[2])
}
versions <- sprintf("# %s; pedtools %s; pedmut %s; pedprobr %s",
                    R.version.string, packageVersion("pedtools"), packageVersion("pedmut"),
                    packageVersion("pedprobr"))
target <- file.path(here, "vectors.tsv")
writeLines(versions, target)
suppressWarnings(write.table(out, target, sep = "\t", quote = FALSE, row.names = FALSE, append = TRUE))
cat("wrote", nrow(out), "vectors to", target, "\n")
