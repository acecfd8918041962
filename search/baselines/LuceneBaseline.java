// Akhbar's Lucene baseline (search/baselines/lucene.py runs it):
//   java -cp lucene-core.jar:lucene-analyzers-common.jar LuceneBaseline.java DOCS QUERIES RUN DEPTH
// DOCS and QUERIES hold "id<TAB>text" a line. Each document's text is indexed in memory with ArabicAnalyzer
// and BM25 (Lucene's defaults, k1 = 1.2, b = 0.75); each query's analysed words are ORed. RUN gets
// "qid<TAB>docid" a line, best first, DEPTH at most a query; standard output gets the seconds the queries took.

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.ar.ArabicAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;

public class LuceneBaseline {
    public static void main(String[] args) throws IOException {
        Analyzer analyzer = new ArabicAnalyzer();
        Directory directory = new ByteBuffersDirectory();
        try (IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig(analyzer));
             BufferedReader docs = Files.newBufferedReader(Paths.get(args[0]), StandardCharsets.UTF_8)) {
            String line;
            while ((line = docs.readLine()) != null) {
                int tab = line.indexOf('\t');
                Document doc = new Document();
                doc.add(new StoredField("id", line.substring(0, tab)));
                doc.add(new TextField("text", line.substring(tab + 1), Field.Store.NO));
                writer.addDocument(doc);
            }
        }
        int depth = Integer.parseInt(args[3]);
        BooleanQuery.setMaxClauseCount(Integer.MAX_VALUE);  // a query of any length, as the other engines take
        try (DirectoryReader reader = DirectoryReader.open(directory);
             BufferedReader queries = Files.newBufferedReader(Paths.get(args[1]), StandardCharsets.UTF_8);
             BufferedWriter run = Files.newBufferedWriter(Paths.get(args[2]), StandardCharsets.UTF_8)) {
            IndexSearcher searcher = new IndexSearcher(reader);
            long elapsed = 0;
            String line;
            while ((line = queries.readLine()) != null) {
                int tab = line.indexOf('\t');
                String qid = line.substring(0, tab);
                long started = System.nanoTime();
                BooleanQuery.Builder query = new BooleanQuery.Builder();
                try (TokenStream tokens = analyzer.tokenStream("text", line.substring(tab + 1))) {
                    CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
                    tokens.reset();
                    while (tokens.incrementToken()) {
                        query.add(new TermQuery(new Term("text", term.toString())), BooleanClause.Occur.SHOULD);
                    }
                    tokens.end();
                }
                List<String> ids = new ArrayList<>();
                for (ScoreDoc hit : searcher.search(query.build(), depth).scoreDocs) {
                    ids.add(searcher.doc(hit.doc).get("id"));
                }
                elapsed += System.nanoTime() - started;
                for (String id : ids) {
                    run.write(qid + "\t" + id + "\n");
                }
            }
            System.out.println(elapsed / 1e9);
        }
    }
}
