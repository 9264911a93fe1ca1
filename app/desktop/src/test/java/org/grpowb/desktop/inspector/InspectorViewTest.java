package org.grpowb.desktop.inspector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.canvas.Canvas;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.Tooltip;
import javafx.scene.image.WritableImage;
import javafx.scene.input.KeyCode;
import javafx.scene.paint.Color;
import javafx.stage.Stage;
import org.grpowb.api.Verdict;
import org.grpowb.core.run.GroupRecord;
import org.grpowb.core.run.StepRecord;
import org.junit.jupiter.api.Test;
import org.testfx.framework.junit5.ApplicationTest;
import org.testfx.util.WaitForAsyncUtils;

class InspectorViewTest extends ApplicationTest {
    private InspectorModel model;
    private InspectorView view;

    @Override
    public void start(Stage stage) {
        model = new InspectorModel(Steps.TEXT);
        view = new InspectorView(model);
        stage.setScene(new Scene(view, 1300, 700));
        stage.show();
    }

    private void show(StepRecord step) {
        interact(() -> model.setStep(step));
    }

    @Test
    void theGroupBoxListsBothPromptsAndPickingOneShowsItsRollouts() {
        show(Steps.small());
        ComboBox<GroupRecord> groups = lookup("#group").queryComboBox();
        assertEquals(2, groups.getItems().size());
        assertEquals("What is 2+2?", groups.getItems().get(0).prompt());
        assertEquals("What is 3+4?", groups.getItems().get(1).prompt());

        clickOn("#group");
        clickOn("group 1 · all wrong  —  What is 3+4?  → 7");
        assertEquals(1, model.getGroupIndex());
        ListView<?> rollouts = lookup("#rollouts").queryListView();
        assertEquals(4, rollouts.getItems().size());
        assertEquals(model.getStep().groups().get(1).rollouts(), rollouts.getItems());
    }

    @Test
    void thePickerNamesEachGroupsKindAndOpensOnTheInformativeOne() {
        Verdict[] oneRight = {Verdict.CORRECT, Verdict.INCORRECT, Verdict.INCORRECT};
        Verdict[] allWrong = {Verdict.INCORRECT, Verdict.INCORRECT, Verdict.INCORRECT};
        Verdict[] allRight = {Verdict.CORRECT, Verdict.CORRECT, Verdict.CORRECT};
        show(Steps.ofGroups(5, Steps.group(0, allWrong, new double[] {0, 0, 0}),
                Steps.group(1, allRight, new double[] {1, 1, 1}),
                Steps.group(2, oneRight, new double[] {1, 0, 0}),
                Steps.group(3, oneRight, new double[] {1, 0, 0}, 1, 2)));
        ComboBox<GroupRecord> groups = lookup("#group").queryComboBox();
        assertEquals(3, groups.getSelectionModel().getSelectedIndex(), "opens on the group with flips");
        assertEquals(3, model.getGroupIndex());
        assertEquals("group 3 · mixed · 2 flipped  —  Prompt 3  → 3", groups.getButtonCell().getText());
        assertTrue(lookup("#autoGroup").queryButton().isDisabled(), "nothing to hand back yet");

        clickOn("#group");
        List<String> shown = lookup(".combo-box-popup .list-cell").queryAllAs(ListCell.class).stream()
                .map(ListCell::getText).filter(t -> t != null).sorted().toList();
        assertEquals(List.of("group 0 · all wrong  —  Prompt 0  → 0", "group 1 · all correct  —  Prompt 1  → 1",
                "group 2 · mixed  —  Prompt 2  → 2", "group 3 · mixed · 2 flipped  —  Prompt 3  → 3"), shown);
        clickOn("group 1 · all correct  —  Prompt 1  → 1");
        assertEquals(1, model.getGroupIndex());
        assertTrue(model.isGroupChosen());

        // the next step keeps the user's group ...
        show(Steps.ofGroups(6, Steps.group(0, allWrong, new double[] {0, 0, 0}),
                Steps.group(1, allWrong, new double[] {0, 0, 0}),
                Steps.group(2, oneRight, new double[] {1, 0, 0})));
        assertEquals(1, groups.getSelectionModel().getSelectedIndex());
        assertEquals("group 1 · all wrong  —  Prompt 1  → 1", groups.getButtonCell().getText());
        // ... until "auto" hands the choice back
        clickOn("#autoGroup");
        assertEquals(2, groups.getSelectionModel().getSelectedIndex());
        assertEquals(2, model.getGroupIndex());
        assertTrue(lookup("#autoGroup").queryButton().isDisabled());
    }

    @Test
    void searchingJumpsToTheGroupAndRolloutOfTheHit() {
        show(Steps.small());
        clickOn("#search").write("t21").type(KeyCode.ENTER);
        assertEquals(1, model.getGroupIndex());
        assertEquals(1, lookup("#rollouts").queryListView().getSelectionModel().getSelectedIndex());
        assertEquals("hit 1 of 1: group 1, rollout 1, character 3",
                lookup("#tokenDetails").queryAs(Label.class).getText());
    }

    @Test
    void flippedAndMaskedRolloutsAreMarked() {
        show(Steps.small());
        assertTrue(onFx(() -> view.rolloutPart(1, "flip").isVisible()));
        assertFalse(onFx(() -> view.rolloutPart(0, "flip").isVisible()));
        assertTrue(onFx(() -> view.rolloutPart(2, "masked").isVisible()));
        assertFalse(onFx(() -> view.rolloutPart(0, "masked").isVisible()));
        assertNotNull(onFx(() -> view.rolloutPart(3, "tokens")));
    }

    @Test
    void aThinnedRolloutSaysItsValuesWereNotKeptAndItsTokensStillHover() {
        show(Steps.withAThinTrace());
        assertTrue(onFx(() -> view.rolloutPart(1, "thinned").isVisible()));
        assertFalse(onFx(() -> view.rolloutPart(0, "thinned").isVisible()));
        assertEquals(InspectorModel.THINNED, onFx(() -> ((Label) view.rolloutPart(1, "thinned")).getText()));
        assertClose(ColourScale.MISSING, pixelOfToken(1, 1)); // uncoloured
        assertClose(model.colourAt(0, 1), pixelOfToken(0, 1));

        Bounds b = onFx(() -> view.tokenBounds(1, 1));
        moveTo(new Point2D(b.getCenterX(), b.getCenterY()));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("rollout 1 token 1 \"t2\" (id 2) · " + InspectorModel.THINNED,
                lookup("#tokenDetails").queryAs(Label.class).getText());
    }

    @Test
    void switchingTheSignalRecoloursTheToken() {
        show(Steps.small());
        Color advantage = pixelOfToken(0, 0);
        // rollout 0 has A = +0.75, the group's largest: the far positive (blue) end of the diverging scale
        assertTrue(model.scalePosition(0, 0) > 0.5);
        assertTrue(advantage.getBlue() > advantage.getRed() + 0.3, advantage.toString());
        assertClose(model.colourAt(0, 0), advantage);
        assertEquals("0", lookup("#legendMid").queryAs(Label.class).getText());
        assertEquals("0.750", lookup("#legendMax").queryAs(Label.class).getText());

        clickOn("#signal");
        clickOn(Signal.ENTROPY.label());
        assertEquals(Signal.ENTROPY, model.getSignal());
        Color entropy = pixelOfToken(0, 0);
        assertNotEquals(advantage, entropy);
        assertClose(model.getScale().colour(0.7), entropy);

        clickOn("#signal");
        clickOn(Signal.CLIPPED.label());
        assertClose(model.getScale().colour(1), pixelOfToken(0, 1));
        assertClose(model.getScale().colour(0), pixelOfToken(0, 0));
        assertEquals("clipped", lookup("#legendMax").queryAs(Label.class).getText());
    }

    @Test
    void hoveringATokenShowsEveryValue() {
        show(Steps.small());
        Bounds b = onFx(() -> view.tokenBounds(0, 1));
        Point2D token = new Point2D(b.getCenterX(), b.getCenterY());
        moveTo(token);
        WaitForAsyncUtils.waitForFxEvents();
        String shown = lookup("#tokenDetails").queryAs(Label.class).getText();
        assertEquals(view.tokenDetailsAt(0, 1), shown);
        for (String part : new String[] {"\"t2\"", "log-prob old -1.0000", "log-prob current -1.1000",
            "ratio 0.9048", "entropy 1.2000", "advantage 0.7500", "clipped yes", "THR -0.3000"}) {
            assertTrue(shown.contains(part), part + " in " + shown);
        }
        assertEquals(view.tokenDetailsAt(0, 1), shownTooltipText(token));

        Bounds other = onFx(() -> view.tokenBounds(1, 1));
        moveTo(new Point2D(other.getCenterX(), other.getCenterY()));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(lookup("#tokenDetails").queryAs(Label.class).getText().startsWith("rollout 1 token 1 \"\\n\""),
                lookup("#tokenDetails").queryAs(Label.class).getText());
    }

    @Test
    void aLiveStepArrivingUnderTheMouseHidesTheOldTokensTooltip() {
        show(Steps.small());
        Bounds b = onFx(() -> view.tokenBounds(0, 1));
        Point2D token = new Point2D(b.getCenterX(), b.getCenterY());
        moveTo(token);
        String before = view.tokenDetailsAt(0, 1);
        assertEquals(before, shownTooltipText(token));

        show(Steps.withAThinTrace());
        WaitForAsyncUtils.waitForFxEvents();
        assertNotEquals(before, view.tokenDetailsAt(0, 1), "another step's token lies under the mouse now");
        assertTrue(listWindows().stream().noneMatch(w -> w instanceof Tooltip && w.isShowing()),
                "the previous step's tooltip is gone");
    }

    @Test
    void aHundredThousandTokenStepLoadsAndScrollsToTheEnd() {
        StepRecord big = Steps.large(1000, 100);
        long[] onFxThread = new long[1];
        long t0 = System.nanoTime();
        interact(() -> {
            long s = System.nanoTime();
            model.setStep(big);
            view.applyCss();
            view.layout();
            onFxThread[0] = System.nanoTime() - s;
        });
        WaitForAsyncUtils.waitForFxEvents();
        long load = System.nanoTime() - t0;
        assertTrue(view.visibleRollouts().size() < 100, "only rows in view are built: " + view.visibleRollouts());

        if (onFx(() -> view.tokenBounds(0, 0)) == null) {
            clickOn("#rollouts");
        } else {
            clickOn(onFx(() -> view.rolloutPart(0, "tokens")));
        }
        long t1 = System.nanoTime();
        type(KeyCode.END);
        WaitForAsyncUtils.waitForFxEvents();
        long end = System.nanoTime() - t1;
        assertTrue(view.visibleRollouts().contains(999), "last rollout in view: " + view.visibleRollouts());

        long t2 = System.nanoTime();
        interact(() -> {
            for (Signal s : Signal.values()) {
                model.setSignal(s);
                view.layout();
            }
        });
        WaitForAsyncUtils.waitForFxEvents();
        long recolour = System.nanoTime() - t2;

        Bounds last = onFx(() -> view.tokenBounds(999, 99));
        assertNotNull(last);
        moveTo(new Point2D(last.getCenterX(), last.getCenterY()));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(lookup("#tokenDetails").queryAs(Label.class).getText().startsWith("rollout 999 token 99 "),
                lookup("#tokenDetails").queryAs(Label.class).getText() + " at " + last + " list "
                        + onFx(() -> view.lookup("#rollouts").localToScreen(view.lookup("#rollouts").getLayoutBounds()))
                        + " visible " + onFx(view::visibleRollouts));

        long t3 = System.nanoTime();
        interact(() -> {
            view.scrollToRollout(0);
            view.layout();
            view.scrollToRollout(500);
            view.layout();
            view.scrollToRollout(999);
            view.layout();
        });
        WaitForAsyncUtils.waitForFxEvents();
        long jumps = System.nanoTime() - t3;
        System.out.printf("[inspector] 100k tokens: set step + CSS + layout + draw %.1f ms on the FX thread"
                        + " (%.1f ms until the next pulse rendered); End key scroll %.1f ms; 7 signal switches %.1f ms;"
                        + " 3 jumps (0, 500, 999) %.1f ms%n", onFxThread[0] / 1e6, load / 1e6, end / 1e6,
                recolour / 1e6, jumps / 1e6);
    }

    /**
     * The text of the tooltip shown while the mouse rests on {@code at}, waiting for its show delay; null when none
     * appears. JavaFX shows one tooltip at a time and ignores mouse moves while another's hide timer runs (up to its
     * show duration, 5 s by default, left over from an earlier test's tooltip), so the mouse moves by a pixel now and
     * then, as a resting hand does, until the tooltip shows.
     */
    private String shownTooltipText(Point2D at) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        for (int i = 0; System.nanoTime() < deadline; i++) {
            try {
                WaitForAsyncUtils.waitFor(500, java.util.concurrent.TimeUnit.MILLISECONDS,
                        () -> listWindows().stream().anyMatch(w -> w instanceof Tooltip && w.isShowing()));
                return listWindows().stream().filter(w -> w instanceof Tooltip && w.isShowing())
                        .map(w -> ((Tooltip) w).getText()).findFirst().orElse(null);
            } catch (java.util.concurrent.TimeoutException e) {
                moveTo(new Point2D(at.getX() + (i % 2 == 0 ? 1 : 0), at.getY()));
            }
        }
        return null;
    }

    @Test
    void anotherRunsTokenizerLaysTheRowsOutWithItsText() {
        show(Steps.small());
        double before = onFx(() -> view.tokenBounds(0, 2).getWidth()); // id 3, "t3"
        interact(() -> model.setTokenText(id -> " word" + id + "long"));
        double after = onFx(() -> view.tokenBounds(0, 2).getWidth());
        assertTrue(after > 2 * before, "the box of ' word3long' is wider than that of 't3': " + before + " -> " + after);
        assertTrue(view.tokenDetailsAt(0, 2).contains("\" word3long\" (id 3)"), view.tokenDetailsAt(0, 2));
    }

    /**
     * Byte-level BPE pieces of any width, as a Hugging Face tokenizer gives them: each box is as wide as its text
     * measured in the real font (a CJK word, an emoji, a word led by a space, letters with combining accents, a byte of
     * half a character, a newline), and hovering the middle of each box finds that token.
     */
    @Test
    void piecesOfAnyWidthGetBoxesMeasuredInTheRealFontAndHoverFindsEachOne() {
        String[] vocab = {"a", "中文", "\uD83D\uDE00", " the", "e\u0301e\u0301", "abc", "<0xE4>", "\n", " 日本"};
        interact(() -> model.setTokenText(id -> vocab[id]));
        show(Steps.ofIds(0, 1, 2, 3, 4, 5, 6, 7, 8));
        double[] widths = new double[vocab.length];
        for (int t = 0; t < vocab.length; t++) {
            int token = t;
            Bounds b = onFx(() -> view.tokenBounds(0, token));
            double measured = onFx(() -> TokenStrip.measure(TokenPiece.of(vocab[token], TokenStrip::measure,
                    TokenStrip.MAX_TEXT_WIDTH).text()));
            widths[t] = b.getWidth();
            assertEquals(TokenLayout.boxWidth(measured), b.getWidth(), 0.01, "box of '" + vocab[t] + "'");
            moveTo(new Point2D(b.getCenterX(), b.getCenterY()));
            WaitForAsyncUtils.waitForFxEvents();
            String shown = lookup("#tokenDetails").queryAs(Label.class).getText();
            assertTrue(shown.startsWith("rollout 0 token " + t + " "), "hovering box " + t + ": " + shown);
        }
        assertTrue(widths[1] > widths[0], "a CJK piece is wider than 'a'");
        assertTrue(widths[4] < widths[5], "two letters with combining accents (four code points) take less room "
                + "than three letters: " + widths[4] + " vs " + widths[5]);
        boolean cjkGlyphs = onFx(() -> TokenStrip.measure("中") > TokenStrip.measure("a") * 1.3);
        if (cjkGlyphs) { // a machine without a CJK font draws a missing-glyph box one cell wide
            assertTrue(widths[1] > 2 * widths[0] - 2 * TokenLayout.PAD, "中文 is two full-width characters: "
                    + widths[1] + " vs 'a' " + widths[0]);
        }

        // the leading space's mark is drawn, dimmer than the word it leads
        double markWidth = onFx(() -> TokenStrip.measure("·"));
        double[] contrast = onFx(() -> {
            Canvas c = (Canvas) view.rolloutPart(0, "tokens");
            Bounds box = c.screenToLocal(view.tokenBounds(0, 3));
            javafx.scene.image.PixelReader px = c.snapshot(null, null).getPixelReader();
            double bg = luminance(px.getColor((int) box.getMinX() + 1, (int) box.getMinY() + 1));
            double textX = box.getMinX() + TokenLayout.PAD;
            return new double[] {
                maxContrast(px, bg, textX, textX + markWidth, box.getMinY(), box.getMaxY()),
                maxContrast(px, bg, textX + markWidth, box.getMaxX() - TokenLayout.PAD, box.getMinY(), box.getMaxY())};
        });
        assertTrue(contrast[0] > 0.05, "the mark of ' the' is drawn: " + contrast[0]);
        assertTrue(contrast[0] < 0.75 * contrast[1], "the mark is dimmer than the word: " + contrast[0] + " vs "
                + contrast[1]);

        // a sentence as a byte-level BPE tokenizer cuts it, for the README's screenshot
        String[] sentence = {"The", " answer", " is", " 4", "2", ".", "\n", "答案", "是", "四十二", "。", " \uD83D\uDE00",
            "\n", "<0xE4>", "<0xB8>", "<0xAD>", " caf", "e\u0301", "\t", "x", " =", " ", " 42", "", "\n\n", "naïve",
            " über", " Привет", " мир", " こんにちは", "！"};
        interact(() -> model.setTokenText(id -> sentence[id % sentence.length]));
        int[][] rows = new int[4][];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = new int[sentence.length - 2 * r];
            for (int i = 0; i < rows[r].length; i++) {
                rows[r][i] = i + 3 * r;
            }
        }
        show(Steps.ofRollouts(new double[] {0.75, -0.25, 0.4, -0.6}, rows));
        WaitForAsyncUtils.waitForFxEvents();
        Bounds first = onFx(() -> view.tokenBounds(0, 3));
        moveTo(new Point2D(first.getCenterX(), first.getCenterY()));
        WaitForAsyncUtils.waitForFxEvents();
        screenshot("token-pieces.png");
    }

    private static double luminance(Color c) {
        return 0.2126 * c.getRed() + 0.7152 * c.getGreen() + 0.0722 * c.getBlue();
    }

    private static double maxContrast(javafx.scene.image.PixelReader px, double bg, double x0, double x1, double y0,
                                      double y1) {
        double max = 0;
        for (int x = (int) Math.ceil(x0); x < (int) Math.floor(x1); x++) {
            for (int y = (int) Math.ceil(y0); y < (int) Math.floor(y1); y++) {
                max = Math.max(max, Math.abs(luminance(px.getColor(x, y)) - bg));
            }
        }
        return max;
    }

    /** Saves the view to {@code target/screenshots/} (the README's screenshots come from there). */
    private void screenshot(String name) {
        java.nio.file.Path out = java.nio.file.Path.of("target", "screenshots", name);
        WritableImage image = onFx(() -> view.getScene().snapshot(null));
        try {
            java.nio.file.Files.createDirectories(out.getParent());
            javax.imageio.ImageIO.write(javafx.embed.swing.SwingFXUtils.fromFXImage(image, null), "png", out.toFile());
        } catch (java.io.IOException e) {
            throw new AssertionError("cannot save " + out, e);
        }
    }

    private Color pixelOfToken(int rollout, int token) {
        return onFx(() -> {
            Bounds screen = view.tokenBounds(rollout, token);
            Node n = view.rolloutPart(rollout, "tokens");
            Canvas c = (Canvas) n;
            Bounds local = c.screenToLocal(screen);
            WritableImage img = c.snapshot(null, null);
            return img.getPixelReader().getColor((int) local.getMinX() + 1, (int) local.getMinY() + 1);
        });
    }

    private <T> T onFx(java.util.concurrent.Callable<T> work) {
        AtomicReference<T> out = new AtomicReference<>();
        interact(() -> {
            try {
                out.set(work.call());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return out.get();
    }

    private static void assertClose(Color expected, Color actual) {
        double d = Math.abs(expected.getRed() - actual.getRed()) + Math.abs(expected.getGreen() - actual.getGreen())
                + Math.abs(expected.getBlue() - actual.getBlue());
        assertTrue(d < 0.05, "expected " + expected + " got " + actual);
    }
}
