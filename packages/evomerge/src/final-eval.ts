/**
 * What the report compares, measured once after the search: the final best, the initial population's
 * best, the uniform soup (linear, equal weights: the naive merge to beat) and each source — on the
 * held-out test windows the search never saw, plus measured ms/token and greedy answer accuracy.
 */
import {
  SKILLS,
  answerAccuracy,
  formatProblem,
  generate,
  greedyCompleter,
  msPerToken,
  skillScore,
  teacherForcedAccuracy,
} from '@agent-forge/core';
import type { BpeTokenizer, Skill, SkillScore, TinyTitan } from '@agent-forge/core';
import { heldOutLoss, type MergeEvaluator } from './evolve/evaluator.js';
import { compositeFitness, fitnessParts, referenceOf, type FitnessParts, type Measures } from './evolve/fitness.js';
import { genomeHash, sourceGenome, type Genome, type GenomeSpace } from './evolve/genome.js';
import type { EvolutionState, FitnessRecord } from './evolve/state.js';
import type { PhaseData } from './phase-steps.js';
import type { FitnessWeights } from './evolve/fitness.js';

/** A candidate's composite fitness on the held-out test side and its parts. */
export interface TestFitness {
  /** Composite fitness against the sources' test measures. */
  readonly fitness: number;
  /** Its quality part and its speed + memory part. */
  readonly parts: FitnessParts;
}

/** One row of the report's comparison table. */
export interface CandidateSummary {
  /** Row label: `final best`, `initial best`, `uniform soup` or `source <role>`. */
  readonly label: string;
  /** The candidate's recipe (a source is its linear one-hot genome). */
  readonly genome: Genome;
  /** Composite fitness against the search's reference and weights (from the cache when the search scored it). */
  readonly fitness: number;
  /** The fitness's quality part (perplexity, accuracy) and efficiency part (speed, memory), reported apart. */
  readonly parts: FitnessParts;
  /** Loss and teacher-forced accuracy on each skill's held-out test problems (with the skill sets). */
  readonly skills?: Readonly<Record<Skill, SkillScore>>;
  /** The fitness inputs measured on the held-out test side (test windows and test answer probes). */
  readonly testMeasures: Measures;
  /** Composite fitness on the test side, against the sources' test figures; its quality and efficiency parts. */
  readonly test?: TestFitness;
  /** Perplexity on the search's evaluation subset (the value the fitness used). */
  readonly searchPerplexity: number;
  /** Perplexity on the held-out test windows. */
  readonly testPerplexity: number;
  /** Blocks in the merged model. */
  readonly depth: number;
  /** Measured wall time (report figure, machine-dependent); undefined when not timed. */
  readonly msPerToken?: number;
  /** Greedy exact-match accuracy on the report problems; undefined when not measured. */
  readonly greedyAccuracy?: number;
}

/** The post-search comparison the report and metrics use; only best and initialBest get ms/token and greedy accuracy. */
export interface FinalEvaluation {
  /** The last generation's best genome: the model the phase saves. */
  readonly best: CandidateSummary;
  /** Generation 0's best genome, the baseline of the gain. */
  readonly initialBest: CandidateSummary;
  /** The equal-weight linear merge of all sources: the naive merge to beat. */
  readonly soup: CandidateSummary;
  /** The source with the highest fitness on the search set: the single model a merge must beat. */
  readonly bestSource: CandidateSummary;
  /** Each source model unmerged, in source order. */
  readonly sources: readonly CandidateSummary[];
}

/** What the final evaluation of a finished search needs. */
export interface FinalContext {
  /** Builds and measures merged models in memory. */
  readonly evaluator: MergeEvaluator;
  /** The finished search's state (population, fitness cache, history). */
  readonly state: EvolutionState;
  /** The evaluation and test windows and problems. */
  readonly data: PhaseData;
  /** The sources' shared tokenizer. */
  readonly tokenizer: BpeTokenizer;
  /** The fitness weights the search used. */
  readonly weights: FitnessWeights;
  /** Tokens generated per report problem and for ms/token. */
  readonly maxNewTokens: number;
}

async function timedDecode(model: TinyTitan, ctx: FinalContext): Promise<number> {
  const prompt = [...ctx.data.testWindows.tokens.subarray(0, Math.min(8, ctx.data.testWindows.cols))];
  const maxNewTokens = Math.min(ctx.maxNewTokens, model.config.contextLength - prompt.length);
  await generate(model, prompt, { maxNewTokens: 2 });
  return (await msPerToken(() => generate(model, prompt, { maxNewTokens }))).msPerToken;
}

function testMeasures(model: TinyTitan, test: ReturnType<typeof heldOutLoss>, ctx: FinalContext): Measures {
  const depth = model.config.nLayers;
  const probes = ctx.data.testProbes;
  return {
    perplexity: Math.exp(test.loss),
    loss: test.loss,
    accuracy: probes === undefined ? 0 : teacherForcedAccuracy(model, probes),
    meanPonderSteps: test.meanPonderSteps,
    depth,
    cost: depth * test.meanPonderSteps,
    bytes: model.parameterCount * 4,
  };
}

/** Each candidate's fitness on the test side, against the sources' test measures (as the search's reference is the sources'). */
function withTestFitness(
  candidates: readonly CandidateSummary[],
  sources: readonly CandidateSummary[],
  ctx: FinalContext,
): CandidateSummary[] {
  const reference = referenceOf(sources.map((source) => source.testMeasures));
  return candidates.map((candidate) => ({
    ...candidate,
    test: {
      fitness: compositeFitness(candidate.testMeasures, reference, ctx.weights),
      parts: fitnessParts(candidate.testMeasures, reference, ctx.weights),
    },
  }));
}

async function summarize(
  label: string,
  genome: Genome,
  ctx: FinalContext,
  detailed: boolean,
): Promise<CandidateSummary> {
  let record: FitnessRecord | undefined = ctx.state.cache[genomeHash(genome)];
  if (record === undefined) {
    const { measures, fingerprint } = await ctx.evaluator.evaluate(genome);
    record = { fitness: compositeFitness(measures, ctx.state.reference, ctx.weights), measures, fingerprint };
  }
  const known = record;
  return ctx.evaluator.withModel(genome, async (model) => {
    const test = heldOutLoss(model, ctx.data.testWindows);
    const skillTest = ctx.data.skillTest;
    const summary: CandidateSummary = {
      label,
      genome,
      fitness: known.fitness,
      parts: fitnessParts(known.measures, ctx.state.reference, ctx.weights),
      ...(skillTest === undefined
        ? {}
        : {
            skills: Object.fromEntries(SKILLS.map((skill) => [skill, skillScore(model, skillTest[skill])])) as Record<
              Skill,
              SkillScore
            >,
          }),
      searchPerplexity: known.measures.perplexity,
      testPerplexity: Math.exp(test.loss),
      depth: model.config.nLayers,
      testMeasures: testMeasures(model, test, ctx),
    };
    if (!detailed) return summary;
    const msPerTokenValue = await timedDecode(model, ctx);
    if (ctx.data.reportProblems.length === 0) return { ...summary, msPerToken: msPerTokenValue };
    const { accuracy } = await answerAccuracy(
      ctx.data.reportProblems,
      (problem) => formatProblem(problem).prompt,
      greedyCompleter(model, ctx.tokenizer, ctx.maxNewTokens),
    );
    return { ...summary, msPerToken: msPerTokenValue, greedyAccuracy: accuracy };
  });
}

/** The uniform soup: linear with equal weights on every source. */
export function uniformSoup(space: GenomeSpace): Genome {
  const source = sourceGenome(space, 0);
  return { ...source, weights: source.weights.map((row) => row.map(() => 1)) };
}

/** Measures best, initial best, soup and every source (`roles` label the sources, in order) on the test windows, one at a time. */
export async function finalEvaluation(
  ctx: FinalContext,
  space: GenomeSpace,
  roles: readonly string[],
): Promise<FinalEvaluation> {
  const bestGenome = ctx.state.population[0] as Genome;
  const initialHash = ctx.state.history[0]?.bestHash;
  const initialGenome = ctx.state.initialPopulation.find((genome) => genomeHash(genome) === initialHash) ?? bestGenome;
  // One at a time: the evaluator loads each merge into a shared pooled model.
  const best = await summarize('final best', bestGenome, ctx, true);
  const initialBest = await summarize('initial best', initialGenome, ctx, true);
  const soup = await summarize('uniform soup', uniformSoup(space), ctx, false);
  const sources: CandidateSummary[] = [];
  for (const [index, role] of roles.entries())
    sources.push(await summarize(`source ${role}`, sourceGenome(space, index), ctx, false));
  const [bestT, initialT, soupT, ...sourcesT] = withTestFitness(
    [best, initialBest, soup, ...sources],
    sources,
    ctx,
  ) as [CandidateSummary, CandidateSummary, CandidateSummary, ...CandidateSummary[]];
  // The best source is chosen on the search set, as the search knows it; its test figures are then reported.
  const bestSource = sourcesT.reduce((top, source) => (source.fitness > top.fitness ? source : top));
  return { best: bestT, initialBest: initialT, soup: soupT, sources: sourcesT, bestSource };
}
