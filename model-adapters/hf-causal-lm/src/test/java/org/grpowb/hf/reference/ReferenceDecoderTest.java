package org.grpowb.hf.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.grpowb.hf.config.ExpectedWeights;
import org.grpowb.hf.config.HfConfig;
import org.grpowb.hf.config.RopeFrequencies;
import org.junit.jupiter.api.Test;

/**
 * The Java reference decoder against golden logits from an independent float64 numpy forward
 * ({@code src/test/resources/reference/llama_forward.py}, run with numpy 2.4; rerun it and paste its output here when
 * the tiny models change), one tiny model per family of {@link TinyModels}, for {@link TinyModels#TOKENS}.
 */
class ReferenceDecoderTest {

    /** Both sides compute in doubles from bit-identical weights; only the order of sums and libm differ. */
    static final double TOLERANCE = 1e-9;

    // ---- pasted from llama_forward.py
    // qwen2_like: inv_freq (float32) = [1.0, 0.03162277862429619, 0.0010000000474974513, 3.162277425872162e-05]
    static final double[][] QWEN2_LIKE = {
            {1.1178425530529637, -0.13961552197517318, -0.4651177585504221, 0.7534825101753462, 1.3418324198561034, 0.2595648957012842, 0.4404817362152606, 0.33776565992273544, -0.19880253853063143, -1.1880978758109493, -0.6981722537518805, 0.4965146554088252, 0.10284737319376422, -1.0358029131055129, -1.2552040760504963, -0.47025470726449764, -0.6253513077273375, 1.6297443918805836, -1.7406444670479488, 0.5130789503176817},
            {0.08865214058594502, -0.2342968630998147, -0.9562508854309028, 0.3432503163244985, -0.7179721299396067, -0.12603019675036947, 0.8714254075247833, -0.24004991133496514, 1.1834534176026952, -0.04831827736688049, 0.16006384419728797, 1.045831119276599, -0.12509312302670722, 0.11480983870166785, 1.5126892254349082, 2.734196939575141, 1.1301596707869033, 0.12156239718610555, -0.6271891530027038, 1.317705446141606},
            {1.3898617976140626, -0.32298621532982696, -0.8355693605087231, -0.21063022408635787, 2.5878628881629866, 0.2558048410420975, -0.042858191302568883, 0.12890531873786254, 0.37399790888035, 0.43277045231452216, -0.0436515686170888, 0.7520814811236965, -0.5698143815870081, -1.9391679575415863, -0.47019646005188037, -0.912361152341968, -0.4609097389689171, 1.2220624304641394, -2.763808238639687, 0.7026796382082642},
            {1.0872684119622513, -2.7132161736253484, 0.06475925589901037, 1.777688274824791, 0.35632343220071255, -0.25042138598043473, -0.13858291481909016, -0.4358545334350473, 0.9513794349748097, -1.0657048820621184, -0.8087800777325123, -0.1783955698307324, 0.4487920315671454, -1.3388727908997595, 0.65009246289178, 0.8770428941457212, -1.0545621254761586, 2.200292054236789, -1.6974336831659742, 0.390449472516787},
            {0.6246443665643918, 1.2538841097674094, -0.7093247688494526, -0.2651262461318263, 0.08590729521254552, 0.7097291439006911, 0.6669864645844222, -0.9674019775859325, -0.876067096054446, -0.00818548436190922, 0.8321999609921243, 0.33454300052253627, -0.8874590875554863, 0.28520727511933397, 0.39761880231432056, 1.263574288300577, 0.15481907587848764, 1.0662720044235718, -0.7625019856323249, 1.7479897887156848},
            {-0.7106511984254439, -0.2568959129221906, -1.0391133644054207, 0.28054409517826623, -2.1648813373973086, -0.14026322525415422, 0.024438764098907113, -0.5077910417968705, 0.4828570332960288, -0.21030824611708673, 0.3684067398130509, 0.9897070846167556, -0.0428265488702966, 0.4827582697083399, 1.543173124727272, 2.0745610962210663, 1.331235390903576, -0.3908544428002234, -1.1753932406280037, 1.1419786393499474}};

    // llama3_like: inv_freq (float32) = [1.0, 0.013042256236076355, 0.0012499999720603228, 0.0001250000059371814]
    static final double[][] LLAMA3_LIKE = {
            {2.258869331971926, -0.6697379722422537, 0.009017963877411682, -0.5454321556881971, 0.1888457522934724, -0.7678512561150606, -0.8713017616210665, 1.3542257554149555, -0.21796205465437737, -0.2865910581314421, -0.2844784134160343, -0.5752981718557684, 0.10034950600739526, -0.9999761329017247, -1.8505726559786517, 0.5523510848956164, -1.300527648367952, -1.265789526789805, -1.0660316992290892, 0.7178696552046743},
            {0.5704947648589165, -2.2556923086394938, 2.5249064480341343, -0.06649125265480206, -0.22793522870548427, 0.4176749731368951, -0.7062521909843789, 0.3022271271263361, 0.15548164211875923, 0.5447636537431317, -0.4734452591615639, 1.0406615808557307, 0.48354089675008544, 0.14805196076612284, -0.7954817676134477, 0.622887590335924, 0.8931747780453418, 1.340727313685241, -0.39226526524755806, 0.0803643714836711},
            {1.6829458333791438, -1.6371807308988533, 0.7725084566733671, 0.289586148181259, 0.8536077578407197, -1.2029326885650298, -1.671588518634764, 0.43445241752690095, 0.436680007741682, -0.41865825419958985, -0.5350445997704799, -0.5507337539814038, -0.7658781391759821, 0.7214301931054192, -0.8875015762352542, -0.5656075108977485, 1.3473481127501943, 1.373221317204492, -1.0145893763422038, -0.8425031819694945},
            {0.7921812168144621, -2.4314440345958332, 0.802906621638447, -0.019133644485294518, 0.08649606417913032, -0.8821391831128703, 0.3770423080952718, -0.4316922286796163, 0.22957602533252547, 0.48570929972848276, -0.714283288112288, -0.5746043164536411, 0.11588085511178893, 1.1647598058954982, -1.54144885007758, -0.9954284536129542, 1.2329468908937873, 0.3522355837848157, -1.0130417405546281, -0.7750312735122795},
            {0.989753244413203, -1.184004015330911, 1.722177583778062, 0.3777825243057723, -0.31878770986108695, -0.46410419572253697, 0.10798942561567444, -0.2540116799629848, -0.15012717097599299, 0.1318504425393306, 0.038158387922299204, 0.5560083817630505, 0.4461581681921316, 1.517938158804283, -0.3108709225743934, 0.08486238494020448, 0.674712391287489, 2.504637908213223, -1.3915677622790192, -0.261674550741274},
            {0.321177125373704, -2.436304806901887, 1.8044986803224954, 0.1770118792401784, -0.486779867363071, -0.1263319745766268, 0.1450956104137939, 0.3758043877456065, 0.642514965724126, 0.38394441525555406, -0.2176488906292445, 0.46061727989614815, 0.2621382626474701, 0.09245537236639942, -1.1254340052376408, 0.47432151269298567, 1.345278634192834, 2.123529464999441, -0.8888737394295858, 0.09401571225886605}};

    // smollm2_like: inv_freq (float32) = [1.0, 0.05623412877321243, 0.003162277862429619, 0.00017782794020604342]
    static final double[][] SMOLLM2_LIKE = {
            {3.8095973608877465, 3.05959317067719, -5.397032256024138, -1.1371349140895743, -0.8412876464162746, -0.9752880570019504, -0.022940551901084776, 0.10738894193993247, -4.838563558048668, 4.305073586087722, 2.5405303325987822, -3.511138808845712, -1.1338356850649849, 2.0599784485458725, -1.9196965048321182, -3.3781134936876107, -2.503078506861636, -2.4344520074754192, 3.1384812731823044, -5.312072461334971},
            {6.6587219006719165, 1.1603329509648526, -2.7728436423765794, -3.409521867938184, 1.9825849000495266, -1.7723991209453853, 0.2912476922602683, 4.1544117289572515, -2.2302091571344786, 0.35040053701927504, 3.187644820465882, 0.6784236135719246, -1.713165381141611, 0.09736304759785164, -1.6986399000266972, 0.5238033715160334, -4.220660961042638, -1.5510044264691545, 3.901760209628664, -3.9709002939056655},
            {5.288510693034083, -2.467277801576482, -1.8555512796427862, 4.534498664041147, -1.278082093569794, -1.2068344958568467, 1.623876988189043, -1.8587845093722797, -4.137331644712369, 3.610184604241319, 0.1346441336103713, -2.219688973273594, -0.48277275016615107, 0.6978775414555056, -1.2318485241783295, 0.16155040218551953, -3.8974699147971945, 1.0707064849608894, -1.9053494455451134, 0.7443708772479124},
            {1.4889422122017248, -2.7933282735028384, 1.0065130776244866, 0.7820516127307215, 0.15659146191168016, 2.3203237979409166, 4.311323596536076, -4.858213511220072, -1.384476070609056, -1.6501186943263533, -4.558162520071633, 4.147743109128712, 2.2346168781139153, 1.4979363156969265, 3.1252156369570003, -0.9142182264055947, 3.202831106447111, 1.7708988601880875, -2.292002730161023, 6.76267651502597},
            {7.0708779076370005, -3.3159610480632264, -2.8043594044332014, -1.234285095264734, 3.149540188970017, -3.900711817127544, 1.937755263639832, -1.5159474565730835, -0.9619859405942593, -1.179192506750702, 2.8406218822876075, -0.6482970117399474, -3.7042785727196814, -3.41998096114817, -1.5973509105151322, 0.25220629167658914, -1.6087117436647047, 3.2374958387615465, 1.3384425449102466, -0.35996734480938486},
            {4.302753278767748, 0.3466152101064718, -0.27427982392066863, -3.2661580216708543, 2.0808485672835895, -1.5959891111853872, 2.112524795891482, 3.6518513031510276, -2.2060055425634064, -1.578843791332793, 1.5138887633774525, 1.5806972021374999, -0.27462153251066584, -6.385406212496548, -1.1553042411333432, 2.7029492377058664, -1.2352424216940896, 1.0548838546054977, 1.378764973715247, -1.6218098469482336}};

    static void assertLogits(double[][] expected, double[][] actual, String model) {
        assertEquals(expected.length, actual.length, model + ": positions");
        for (int t = 0; t < expected.length; t++) {
            assertArrayEquals(expected[t], actual[t], TOLERANCE, model + ": position " + t);
        }
    }

    static double[][] logits(TinyModels.TinyModel m, int[] tokens) {
        return new ReferenceDecoder(m.config(), m.weights()).logits(tokens);
    }

    @Test
    void qwen2LikeMatchesNumpy() {
        assertLogits(QWEN2_LIKE, logits(TinyModels.qwen2Like(), TinyModels.TOKENS), "qwen2_like");
    }

    @Test
    void llama3LikeMatchesNumpy() {
        assertLogits(LLAMA3_LIKE, logits(TinyModels.llama3Like(), TinyModels.TOKENS), "llama3_like");
    }

    @Test
    void smolLm2LikeMatchesNumpy() {
        assertLogits(SMOLLM2_LIKE, logits(TinyModels.smolLm2Like(), TinyModels.TOKENS), "smollm2_like");
    }

    @Test
    void rotaryFrequenciesMatchNumpysFloat32Steps() {
        // the inv_freq lines printed by llama_forward.py above, computed there step by step in numpy float32
        assertArrayEquals(new float[] {1.0f, 0.03162277862429619f, 0.0010000000474974513f, 3.162277425872162e-05f},
                RopeFrequencies.of(TinyModels.qwen2Like().config()));
        assertArrayEquals(new float[] {1.0f, 0.013042256236076355f, 0.0012499999720603228f, 0.0001250000059371814f},
                RopeFrequencies.of(TinyModels.llama3Like().config()));
        assertArrayEquals(new float[] {1.0f, 0.05623412877321243f, 0.003162277862429619f, 0.00017782794020604342f},
                RopeFrequencies.of(TinyModels.smolLm2Like().config()));
    }

    @Test
    void aPositionSeesOnlyItsPrefix() {
        // causal attention: the logits of a prefix do not depend on the tokens after it
        for (TinyModels.TinyModel m : TinyModels.all()) {
            double[][] full = logits(m, TinyModels.TOKENS);
            double[][] prefix = logits(m, Arrays.copyOf(TinyModels.TOKENS, 3));
            for (int t = 0; t < 3; t++) {
                assertArrayEquals(full[t], prefix[t], 1e-12, m.name() + " position " + t);
            }
        }
    }

    @Test
    void theGoldenNumbersCatchAWrongKvHeadOrAMissingLlama3Scaling() {
        // reading the other KV head, or leaving out Llama 3's scaling, moves the logits far beyond the tolerance
        TinyModels.TinyModel qwen = TinyModels.qwen2Like();
        Map<String, double[]> swappedKv = new HashMap<>(qwen.weights());
        for (int layer = 0; layer < qwen.config().layers(); layer++) {
            for (String p : new String[] {"k_proj", "v_proj"}) {
                String name = ExpectedWeights.layer(layer, "self_attn." + p + ".weight");
                double[] w = swappedKv.get(name).clone();
                int half = w.length / 2;   // KV head 0 rows, then KV head 1 rows
                double[] swapped = new double[w.length];
                System.arraycopy(w, half, swapped, 0, half);
                System.arraycopy(w, 0, swapped, half, half);
                swappedKv.put(name, swapped);
                String bias = ExpectedWeights.layer(layer, "self_attn." + p + ".bias");
                double[] b = swappedKv.get(bias);
                double[] sb = new double[b.length];
                System.arraycopy(b, b.length / 2, sb, 0, b.length / 2);
                System.arraycopy(b, 0, sb, b.length / 2, b.length / 2);
                swappedKv.put(bias, sb);
            }
        }
        double[][] wrongGroups = new ReferenceDecoder(qwen.config(), swappedKv).logits(TinyModels.TOKENS);
        assertTrue(maxDifference(QWEN2_LIKE, wrongGroups) > 1e-3, "query head h must read KV head h / groups");

        TinyModels.TinyModel llama = TinyModels.llama3Like();
        HfConfig unscaled = new HfConfig(llama.config().modelType(), llama.config().hiddenSize(),
                llama.config().intermediateSize(), llama.config().layers(), llama.config().heads(),
                llama.config().kvHeads(), llama.config().headDim(), llama.config().ropeTheta(), null,
                llama.config().rmsNormEps(), llama.config().vocabSize(), false, false, false, false,
                llama.config().maxPositionEmbeddings(), llama.config().bosTokenId(), llama.config().eosTokenIds());
        double[][] withoutScaling = new ReferenceDecoder(unscaled, llama.weights()).logits(TinyModels.TOKENS);
        assertTrue(maxDifference(LLAMA3_LIKE, withoutScaling) > 1e-3, "llama3 scaling must change the logits");
    }

    @Test
    void missingOrMisshapenWeightsAreRefused() {
        TinyModels.TinyModel m = TinyModels.smolLm2Like();
        Map<String, double[]> w = new HashMap<>(m.weights());
        w.remove("model.norm.weight");
        assertThrows(IllegalArgumentException.class, () -> new ReferenceDecoder(m.config(), w));
        w.put("model.norm.weight", new double[3]);
        assertThrows(IllegalArgumentException.class, () -> new ReferenceDecoder(m.config(), w));
    }

    @Test
    void theTinyModelsAreCompleteCheckpointsOfTheirConfigs() {
        for (TinyModels.TinyModel m : TinyModels.all()) {
            ExpectedWeights.of(m.config()).verify(m.shapes(), m.name());
        }
    }

    @Test
    void float32RoundedWeightsMoveTheLogitsOnlyAtFloat32Precision() {
        // what an fp32 implementation can be held to: about 1e-6 of the logits' size, far below 1e-3
        for (TinyModels.TinyModel m : TinyModels.all()) {
            double d = maxDifference(logits(m, TinyModels.TOKENS), logits(m.roundedToFloat(), TinyModels.TOKENS));
            assertTrue(d > 0 && d < 1e-5, m.name() + ": " + d);
        }
    }

    static double maxDifference(double[][] a, double[][] b) {
        double max = 0;
        for (int t = 0; t < a.length; t++) {
            for (int v = 0; v < a[t].length; v++) {
                max = Math.max(max, Math.abs(a[t][v] - b[t][v]));
            }
        }
        return max;
    }
}
